import { DEFAULT_HARD_GRACE_DAYS, DEFAULT_SOFT_GRACE_DAYS } from '../spec/deprecation';

/**
 * Nmesos's command line, read the way its parser (scopt) reads it, and turned into the
 * equivalent `griddle` command line. Kept apart from any I/O so every flag and default is
 * unit-tested: CI scripts call `nmesos release svc -e prod -t 1.2 --dry-run false`, and only the
 * binary changes.
 */

interface Common { noformat: boolean }
export type NmesosCommand = Common & (
  | { command: 'version' }
  | { command: 'help' }
  | { command: 'release'; service: string; environment: string; tag: string; force: boolean; dryRun: boolean; softGraceDays: number; hardGraceDays: number }
  | { command: 'scale'; service: string; environment: string; dryRun: boolean }
  | { command: 'check'; service: string; environment: string; softGraceDays: number; hardGraceDays: number }
  | { command: 'verify'; singularity: string }
);

export type NmesosParse = { ok: true; cmd: NmesosCommand } | { ok: false; error: string };

/** Nmesos's default: a release or scale changes nothing unless `--dry-run false` says so. */
export const NMESOS_DRY_RUN_DEFAULT = true;

type Kind = 'string' | 'boolean' | 'int' | 'flag';
interface OptionDef { long: string; short?: string; kind: Kind; required?: boolean }

const ENVIRONMENT: OptionDef = { long: 'environment', short: 'e', kind: 'string', required: true };
const TAG: OptionDef = { long: 'tag', short: 't', kind: 'string', required: true };
const DRY_RUN: OptionDef = { long: 'dry-run', short: 'n', kind: 'boolean' };
// Nmesos 2.x's deprecated spelling; still in CI scripts written for it.
const DRYRUN: OptionDef = { long: 'dryrun', short: 'x', kind: 'boolean' };
const SOFT: OptionDef = { long: 'deprecated-soft-grace-period', short: 'S', kind: 'int' };
const HARD: OptionDef = { long: 'deprecated-hard-grace-period', short: 'H', kind: 'int' };

const COMMANDS: Record<string, { service: boolean; options: OptionDef[] }> = {
  version: { service: false, options: [] },
  release: { service: true, options: [ENVIRONMENT, TAG, { long: 'force', short: 'f', kind: 'flag' }, DRY_RUN, DRYRUN, SOFT, HARD] },
  scale: { service: true, options: [ENVIRONMENT, DRY_RUN, DRYRUN] },
  check: { service: true, options: [ENVIRONMENT, SOFT, HARD] },
  verify: { service: false, options: [{ long: 'singularity', short: 's', kind: 'string', required: true }] },
};
const GLOBAL: OptionDef[] = [{ long: 'noformat', short: 'd', kind: 'flag' }, { long: 'help', short: 'h', kind: 'flag' }];
const UNSUPPORTED: Record<string, string> = {
  'docker-env': 'writes docker-compose files to run a service on a workstation',
  'docker-run': 'runs a service\'s container on a workstation',
};

/** scopt's reading of a Boolean option value. */
export function parseBool(value: string): boolean | undefined {
  const v = value.toLowerCase();
  if (v === 'true' || v === 'yes' || v === '1') return true;
  if (v === 'false' || v === 'no' || v === '0') return false;
  return undefined;
}

export const NMESOS_USAGE = `Usage: nmesos [--noformat] <command> ...
  version                 the version
  release <service> -e <env> -t <tag> [-f] [-n <true|false>] [-S <days>] [-H <days>]
                          release a tag (a dry run unless --dry-run false)
  scale <service> -e <env> [-n <true|false>]
                          set the instance count from the spec (a dry run unless --dry-run false)
  check <service> -e <env> [-S <days>] [-H <days>]
                          validate the spec and show what a release would change
  verify --singularity <url>
                          audit the cluster: requests, tasks and discovery agree
`;

export function parseNmesosArgv(argv: string[]): NmesosParse {
  let noformat = false;
  let help = false;
  let command: string | undefined;
  let service: string | undefined;
  let dryRun = NMESOS_DRY_RUN_DEFAULT;
  const values = new Map<string, string | boolean | number>();
  const fail = (error: string): NmesosParse => ({ ok: false, error });

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('-') && arg !== '-') {
      const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
      const name = eq > 0 ? arg.slice(2, eq) : arg.replace(/^--?/, '');
      const byLong = arg.startsWith('--');
      const pool = [...GLOBAL, ...(command ? COMMANDS[command].options : [])];
      const def = pool.find((o) => (byLong ? o.long === name : o.short === name));
      if (!def) return fail(`Unknown option ${arg}${command ? ` for ${command}` : ''}`);
      if (def.long === 'noformat') noformat = true;
      else if (def.long === 'help') help = true;
      else if (def.kind === 'flag') values.set(def.long, true);
      else {
        const raw = eq > 0 ? arg.slice(eq + 1) : argv[++i];
        if (raw === undefined) return fail(`Missing value after ${arg}`);
        if (def.kind === 'string') values.set(def.long, raw);
        else if (def.kind === 'boolean') {
          const b = parseBool(raw);
          if (b === undefined) return fail(`Option --${def.long} expects true or false, got '${raw}'`);
          // --dry-run and --dryrun are the only boolean options; like scopt, the last one wins.
          dryRun = b;
        } else {
          if (!/^-?\d+$/.test(raw)) return fail(`Option --${def.long} expects a number of days, got '${raw}'`);
          values.set(def.long, Number(raw));
        }
      }
    } else if (command === undefined) {
      if (UNSUPPORTED[arg]) return fail(`nmesos ${arg} (it ${UNSUPPORTED[arg]}) is not part of Griddle; use docker directly`);
      if (!COMMANDS[arg]) return fail(`Unknown command '${arg}'. A command is required: version | check | release | scale | verify`);
      command = arg;
    } else if (COMMANDS[command].service && service === undefined) {
      service = arg;
    } else {
      return fail(`Unexpected argument '${arg}'`);
    }
  }
  if (help) return { ok: true, cmd: { command: 'help', noformat } };
  if (command === undefined) return fail('A command is required: version | check | release | scale | verify');
  const spec = COMMANDS[command];
  if (spec.service && service === undefined) return fail(`Missing argument <service-name> for ${command}`);
  for (const o of spec.options) if (o.required && !values.has(o.long)) return fail(`Missing option --${o.long} for ${command}`);
  if (values.get('tag') === '') return fail('Tag is required');
  const str = (k: string): string => String(values.get(k));
  const num = (k: string, d: number): number => (values.has(k) ? Number(values.get(k)) : d);
  const base = { noformat };
  switch (command) {
    case 'version': return { ok: true, cmd: { ...base, command } };
    case 'release': return { ok: true, cmd: { ...base, command, service: service!, environment: str('environment'), tag: str('tag'), force: values.get('force') === true, dryRun, softGraceDays: num(SOFT.long, DEFAULT_SOFT_GRACE_DAYS), hardGraceDays: num(HARD.long, DEFAULT_HARD_GRACE_DAYS) } };
    case 'scale': return { ok: true, cmd: { ...base, command, service: service!, environment: str('environment'), dryRun } };
    case 'check': return { ok: true, cmd: { ...base, command, service: service!, environment: str('environment'), softGraceDays: num(SOFT.long, DEFAULT_SOFT_GRACE_DAYS), hardGraceDays: num(HARD.long, DEFAULT_HARD_GRACE_DAYS) } };
    default: return { ok: true, cmd: { ...base, command: 'verify', singularity: str('singularity') } };
  }
}

/** The `griddle` command line that does what `cmd` asks of Nmesos (version and help excepted). */
export function toGriddleArgv(cmd: NmesosCommand): string[] {
  const grace = (c: { softGraceDays: number; hardGraceDays: number }): string[] =>
    ['--deprecated-soft-grace-period', String(c.softGraceDays), '--deprecated-hard-grace-period', String(c.hardGraceDays)];
  switch (cmd.command) {
    case 'release':
      return ['release', cmd.service, '--env', cmd.environment, '--tag', cmd.tag, ...(cmd.dryRun ? ['--dry-run'] : []), ...(cmd.force ? ['--force'] : []), ...grace(cmd)];
    case 'scale':
      return ['scale', cmd.service, '--env', cmd.environment, ...(cmd.dryRun ? ['--dry-run'] : [])];
    case 'check':
      return ['check', cmd.service, '--env', cmd.environment, ...grace(cmd)];
    case 'verify':
      return ['verify', '--url', cmd.singularity];
    default:
      return [];
  }
}
