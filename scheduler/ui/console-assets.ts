import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** The repository (or install) root: the nearest folder above this file holding package.json. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return from;
  }
}

/** Where `npm run build` puts the console (vite's outDir), wherever this file runs from (dist/ or the sources). */
export const CONSOLE_DIR = path.join(packageRoot(__dirname), 'dist', 'ui');

/**
 * `/ui`: the web console's static assets, with every other path under it answered by
 * index.html so deep links and reloads land on the right page (the console routes on the
 * client). Hashed assets are cached for good; index.html never, so a new build shows at once.
 */
export function consoleAssets(dir = CONSOLE_DIR): Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false }));
  router.use(express.static(dir, { index: false }));
  router.get(/.*/, (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain').send('The web console is not built: run `npm run build` (it builds dist/ui).\n');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
