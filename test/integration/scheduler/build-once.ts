import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../support/repo-root';

// From the sources or their compiled copy (bench/soak.ts runs from dist/).
export const REPO = REPO_ROOT;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Compiles the project when dist/ is older than the scheduler sources (spawned processes run dist/). */
export function ensureBuilt(): void {
  const marker = path.join(REPO, 'dist', 'scheduler', 'main.js');
  const sources = Math.max(newestMtime(path.join(REPO, 'scheduler')), newestMtime(path.join(REPO, 'mesos-proto')));
  if (fs.existsSync(marker) && fs.statSync(marker).mtimeMs >= sources) return;
  execFileSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(REPO, 'tsconfig.json')], { stdio: 'inherit' });
}
