import { NMESOS_DRY_RUN_DEFAULT, parseBool, parseNmesosArgv, toGriddleArgv, type NmesosCommand } from '../../../cli/nmesos/argv';
import { normalizeGriddleArgv } from '../../../cli/griddle-argv';

const parse = (line: string): NmesosCommand => {
  const r = parseNmesosArgv(line.split(' ').filter(Boolean));
  if (!r.ok) throw new Error(r.error);
  return r.cmd;
};
const errorOf = (line: string): string => {
  const r = parseNmesosArgv(line.split(' ').filter(Boolean));
  if (r.ok) throw new Error(`parsed: ${JSON.stringify(r.cmd)}`);
  return r.error;
};

describe('nmesos argv (Nmesos\'s command line)', () => {
  it('release defaults: a dry run, not forced, grace periods 14 and 28 days', () => {
    expect(NMESOS_DRY_RUN_DEFAULT).toBe(true);
    expect(parse('release api -e dev -t 1.2')).toEqual({
      command: 'release', service: 'api', environment: 'dev', tag: '1.2', force: false, dryRun: true, softGraceDays: 14, hardGraceDays: 28, noformat: false,
    });
  });

  it.each([
    ['--environment dev --tag 3', { environment: 'dev', tag: '3' }],
    ['-e dev -t 3', { environment: 'dev', tag: '3' }],
    ['--environment=dev --tag=3', { environment: 'dev', tag: '3' }],
    ['-e dev -t 3 --dry-run false', { dryRun: false }],
    ['-e dev -t 3 -n false', { dryRun: false }],
    ['-e dev -t 3 --dry-run=false', { dryRun: false }],
    ['-e dev -t 3 -n true', { dryRun: true }],
    ['-e dev -t 3 --dryrun false', { dryRun: false }],
    ['-e dev -t 3 -x false', { dryRun: false }],
    ['-e dev -t 3 --dryrun false --dry-run true', { dryRun: true }],
    ['-e dev -t 3 -n no', { dryRun: false }],
    ['-e dev -t 3 --force', { force: true }],
    ['-e dev -t 3 -f', { force: true }],
    ['-e dev -t 3 -S 3 -H 9', { softGraceDays: 3, hardGraceDays: 9 }],
    ['-e dev -t 3 --deprecated-soft-grace-period 1 --deprecated-hard-grace-period 2', { softGraceDays: 1, hardGraceDays: 2 }],
    ['-e dev -t 3 --noformat', { noformat: true }],
    ['-e dev -t 3 -d', { noformat: true }],
  ])('release api %s', (flags, expected) => {
    expect(parse(`release api ${flags}`)).toMatchObject(expected);
  });

  it('reads global --noformat before the command too', () => {
    expect(parse('--noformat release api -e dev -t 1')).toMatchObject({ command: 'release', noformat: true });
  });

  it('scale: environment and dry run (default true)', () => {
    expect(parse('scale api -e prod')).toEqual({ command: 'scale', service: 'api', environment: 'prod', dryRun: true, noformat: false });
    expect(parse('scale api --environment prod --dry-run false')).toMatchObject({ dryRun: false });
  });

  it('check, verify, version and help', () => {
    expect(parse('check api -e dev')).toEqual({ command: 'check', service: 'api', environment: 'dev', softGraceDays: 14, hardGraceDays: 28, noformat: false });
    expect(parse('verify --singularity http://s:7099/singularity')).toEqual({ command: 'verify', singularity: 'http://s:7099/singularity', noformat: false });
    expect(parse('verify -s http://s')).toMatchObject({ singularity: 'http://s' });
    expect(parse('version')).toEqual({ command: 'version', noformat: false });
    expect(parse('--help')).toEqual({ command: 'help', noformat: false });
    expect(parse('release -h')).toMatchObject({ command: 'help' });
  });

  it.each([
    ['', /A command is required/],
    ['deploy api', /Unknown command 'deploy'/],
    ['release api -t 1', /Missing option --environment/],
    ['release api -e dev', /Missing option --tag/],
    ['release -e dev -t 1', /Missing argument <service-name>/],
    ['release api -e dev -t 1 --dry-run maybe', /expects true or false, got 'maybe'/],
    ['release api -e dev -t 1 -S soon', /expects a number of days/],
    ['release api -e dev -t', /Missing value after -t/],
    ['release api -e dev -t 1 --bogus', /Unknown option --bogus for release/],
    ['check api -e dev -t 1', /Unknown option -t for check/],
    ['release api extra -e dev -t 1', /Unexpected argument 'extra'/],
    ['docker-run api -e dev -t 1', /not part of Griddle/],
    ['verify', /Missing option --singularity/],
  ])('refuses %p', (line, message) => {
    expect(errorOf(line)).toMatch(message);
  });

  it('scopt\'s booleans', () => {
    expect(['true', 'TRUE', 'yes', '1'].map(parseBool)).toEqual([true, true, true, true]);
    expect(['false', 'No', '0'].map(parseBool)).toEqual([false, false, false]);
    expect(parseBool('off')).toBeUndefined();
  });

  it('maps to the equivalent griddle command line', () => {
    expect(toGriddleArgv(parse('release api -e dev -t 1'))).toEqual(['release', 'api', '--env', 'dev', '--tag', '1', '--dry-run', '--deprecated-soft-grace-period', '14', '--deprecated-hard-grace-period', '28']);
    expect(toGriddleArgv(parse('release team/api -e dev -t 1 -n false -f -S 1 -H 2'))).toEqual(['release', 'team/api', '--env', 'dev', '--tag', '1', '--force', '--deprecated-soft-grace-period', '1', '--deprecated-hard-grace-period', '2']);
    expect(toGriddleArgv(parse('scale api -e dev'))).toEqual(['scale', 'api', '--env', 'dev', '--dry-run']);
    expect(toGriddleArgv(parse('scale api -e dev -n false'))).toEqual(['scale', 'api', '--env', 'dev']);
    expect(toGriddleArgv(parse('check api -e dev'))).toEqual(['check', 'api', '--env', 'dev', '--deprecated-soft-grace-period', '14', '--deprecated-hard-grace-period', '28']);
    expect(toGriddleArgv(parse('verify -s http://s'))).toEqual(['verify', '--url', 'http://s']);
  });
});

describe('griddle accepts Nmesos\'s spellings', () => {
  it.each([
    ['release api --environment dev -t 1 --dry-run false', ['release', 'api', '--env', 'dev', '-t', '1']],
    ['release api --environment=dev -t 1 --dry-run true', ['release', 'api', '--env=dev', '-t', '1', '--dry-run']],
    ['release api -e dev -t 1 -n false', ['release', 'api', '-e', 'dev', '-t', '1']],
    ['release api -e dev -t 1 --dry-run', ['release', 'api', '-e', 'dev', '-t', '1', '--dry-run']],
    ['release --dry-run api -e dev -t 1', ['release', 'api', '-e', 'dev', '-t', '1', '--dry-run']],
    ['release api -e dev -t 1 --dryrun false', ['release', 'api', '-e', 'dev', '-t', '1']],
    ['release api -e dev -t 1 --dry-run=no', ['release', 'api', '-e', 'dev', '-t', '1']],
    ['release api -e dev -t 1 --dry-run=maybe', ['release', 'api', '-e', 'dev', '-t', '1', '--dry-run=maybe']],
    ['scale api -e dev -n 3', ['scale', 'api', '-e', 'dev', '-n', '3']],
    ['scale api -e dev --dry-run false', ['scale', 'api', '-e', 'dev']],
    ['status api --environment dev', ['status', 'api', '--env', 'dev']],
  ])('%s', (line, expected) => {
    expect(normalizeGriddleArgv(line.split(' '))).toEqual(expected);
  });
});
