/**
 * Keeps the executor within its memory budget (≤ 60 MB RSS): a few dependencies load heavy
 * modules at require time for features the executor never uses. Registering a replacement in
 * `require.cache` before the dependency is loaded makes Node hand it the replacement instead.
 */
import Module from 'node:module';

function replaceModule(file: string, exports: unknown): void {
  if (require.cache[file]) return;
  const replacement = new Module(file);
  replacement.filename = file;
  replacement.loaded = true;
  replacement.exports = exports;
  require.cache[file] = replacement;
}

/** A module that fails loudly if the feature it served is ever used. */
export function refuseModule(file: string, feature: string): void {
  replaceModule(file, () => {
    throw new Error(`griddle-executor does not support ${feature}`);
  });
}
