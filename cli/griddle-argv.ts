import { parseBool } from './nmesos/argv';

/**
 * Nmesos's spellings that `griddle` accepts too, rewritten before commander reads the line so
 * a CI script written for `nmesos release` works with `griddle release` unchanged:
 * `--environment` is `--env`, and `--dry-run <bool>` / `-n <bool>` / `--dryrun <bool>` take a
 * value (the last one wins). A bare `--dry-run` stays a flag. For `scale`, where `-n` is the
 * instance count, only the long forms are read this way.
 */
export function normalizeGriddleArgv(argv: string[]): string[] {
  const command = argv.find((a) => !a.startsWith('-'));
  const dryRunSpellings = command === 'release' ? ['--dry-run', '-n', '--dryrun', '-x'] : command === 'scale' ? ['--dry-run', '--dryrun'] : [];
  const out: string[] = [];
  let dryRun: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === '--environment') {
      out.push('--env');
      continue;
    }
    if (arg.startsWith('--environment=')) {
      out.push(`--env=${arg.slice('--environment='.length)}`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (dryRunSpellings.includes(name)) {
      const inline = eq > 0 ? parseBool(arg.slice(eq + 1)) : undefined;
      const next = eq < 0 && i + 1 < argv.length ? parseBool(argv[i + 1]) : undefined;
      if (eq > 0 && inline === undefined) {
        out.push(arg); // commander reports the bad value
        continue;
      }
      if (next !== undefined) i++;
      dryRun = inline ?? next ?? true;
      continue;
    }
    out.push(arg);
  }
  if (dryRun === true) out.push('--dry-run');
  return out;
}
