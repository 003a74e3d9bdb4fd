import { runCli, type CliDeps } from '../program';
import { EXIT } from '../commands/context';
import { NMESOS_FORMAT_VERSION } from '../spec/spec-loader';
import { NMESOS_USAGE, parseNmesosArgv, toGriddleArgv } from './argv';

/** Griddle's version, printed by `nmesos version` beside the spec format it reads. */
export const GRIDDLE_VERSION = '0.1.0';

/**
 * `nmesos <args>`: Nmesos's command line, run by Griddle. Everything after the argv mapping is
 * `griddle` itself, so both binaries behave the same for the same request.
 */
export async function runNmesos(argv: string[], deps: CliDeps): Promise<number> {
  const parsed = parseNmesosArgv(argv);
  if (!parsed.ok) {
    deps.streams.stderr.write(`Error: ${parsed.error}\n${NMESOS_USAGE}`);
    return EXIT.usage;
  }
  const { cmd } = parsed;
  if (cmd.command === 'help') {
    deps.streams.stdout.write(NMESOS_USAGE);
    return EXIT.ok;
  }
  if (cmd.command === 'version') {
    deps.streams.stdout.write(`Version: ${GRIDDLE_VERSION} (Griddle's nmesos; reads Nmesos specs up to ${NMESOS_FORMAT_VERSION})\n`);
    return EXIT.ok;
  }
  // --noformat: no ANSI codes; the terminal already honours NO_COLOR.
  const env = cmd.noformat ? { ...deps.env, NO_COLOR: '1' } : deps.env;
  return runCli(toGriddleArgv(cmd), { ...deps, env });
}
