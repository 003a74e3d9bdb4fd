import fs from 'node:fs';
import path from 'node:path';

/** The repository root, from the sources (test/support) or their compiled copy (dist/test/support). */
function findRepoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const REPO_ROOT = findRepoRoot();
