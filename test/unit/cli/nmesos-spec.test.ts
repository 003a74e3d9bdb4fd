import path from 'node:path';
import { convert } from '../../../cli/convert/to-singularity';
import {
  DEFAULT_HARD_GRACE_DAYS, DEFAULT_SOFT_GRACE_DAYS, daysBetween, findDeprecatedEnvVars, judgeDeprecations, parseDeprecationDate,
} from '../../../cli/spec/deprecation';
import { missingEnvVarKeys } from '../../../cli/spec/spec-helpers';
import { loadSpec, parseSpec, serviceName, SpecError } from '../../../cli/spec/spec-loader';
import { REPO_ROOT } from '../../support/repo-root';

/** The Nmesos behaviours of the spec loader, on the project's own fixtures. */
const SPECS = path.join(REPO_ROOT, 'test', 'fixtures', 'nmesos-specs');
const load = (service: string, env = 'dev') => loadSpec(service, env, { repository: SPECS });
const utc = (y: number, m: number, d: number): Date => new Date(Date.UTC(y, m - 1, d));

describe('Nmesos spec features', () => {
  it('reads YAML 1.1: anchors with `<<:` merge keys and yes/no booleans', () => {
    const { spec } = load('full');
    expect(spec.resources).toEqual({ cpus: 0.2, memoryMb: 96, instances: 2 });
    expect(spec.container.forcePullImage).toBe(false);
    expect(spec.singularity?.autoAdvanceDeploySteps).toBe(true);
    expect(spec.container.env_vars).toEqual({ GREETING: 'hi dev', DEBUG: 'true' });
  });

  it('accepts nmesos_version 3.x and warns about no anchor-only top-level key', () => {
    expect(load('full').warnings).toEqual([]);
  });

  it('joins lists the way Nmesos does: the environment\'s items first, then common\'s', () => {
    const { spec } = load('full');
    expect(spec.container.ports).toEqual([8081, 8080, '9000:12000']);
    const docker = convert(load('full'), '1').deploy.containerInfo?.docker;
    expect(docker?.portMappings?.map((p) => p.containerPort)).toEqual([8081, 8080, 9000]);
  });

  it('maps SPREAD_ALL_SLAVES to SPREAD_ALL_AGENTS', () => {
    expect(convert(load('full', 'prod'), '1').request.agentPlacement).toBe('SPREAD_ALL_AGENTS');
  });

  it('names the request after the last segment of a service given as a path', () => {
    expect(serviceName('team/pathsvc')).toBe('pathsvc');
    const loaded = load('team/pathsvc');
    expect(loaded.service).toBe('pathsvc');
    expect(loaded.file).toBe(path.join(SPECS, 'team', 'pathsvc.yml'));
    expect(convert(loaded, '1').request.id).toBe('dev_pathsvc');
  });

  it('warns for each environment that lacks env-var keys another one sets', () => {
    const warnings = load('envkeys').warnings.map((w) => `${w.key} ${w.message}`);
    expect(warnings).toEqual([
      'environments.dev lacks env_vars that other environments set: ONLY_STAGING',
      'environments.prod lacks env_vars that other environments set: NEW_TOGGLE, ONLY_STAGING',
    ]);
  });

  it('missingEnvVarKeys skips environments without env_vars, as Nmesos does', () => {
    expect(missingEnvVarKeys({ a: ['X', 'Y'], b: ['X'], c: undefined })).toEqual({ b: ['Y'] });
    expect(missingEnvVarKeys({ a: ['X'], b: ['X'] })).toEqual({});
  });

  it('finds @deprecated-on annotations with their lines, skipping commented-out lines', () => {
    const { deprecated } = load('deprecated');
    expect(deprecated).toEqual([
      { key: 'OLD_FLAG', deprecatedOn: utc(2024, 3, 1), line: 9 },
      { key: 'OLDER_FLAG', deprecatedOn: utc(2024, 1, 1), line: 10 },
    ]);
  });

  it('refuses a malformed annotation with its line', () => {
    const text = "common:\n  resources: { cpus: 1, memoryMb: 1 }\n  container:\n    image: x\n    env_vars:\n      A: b # @deprecated-on tomorrow\nenvironments:\n  dev: {}\n";
    try {
      parseSpec(text, { file: 'x.yml', service: 'x', environment: 'dev' });
      throw new Error('expected a SpecError');
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).problems[0]).toMatchObject({ line: 6, message: expect.stringContaining('is not a date like 10-Jan-2020') as string });
    }
  });
});

describe('deprecation policy (fake clock)', () => {
  const found = [{ key: 'OLD', deprecatedOn: utc(2024, 3, 1), line: 3 }];

  it('parses dd-Mon-yyyy dates and rejects impossible ones', () => {
    expect(parseDeprecationDate('10-Jan-2020')).toEqual(utc(2020, 1, 10));
    expect(parseDeprecationDate('1-feb-2021')).toEqual(utc(2021, 2, 1));
    expect(parseDeprecationDate('31-Feb-2021')).toBeUndefined();
    expect(parseDeprecationDate('2021-02-01')).toBeUndefined();
  });

  it('counts calendar days', () => {
    expect(daysBetween(utc(2024, 3, 1), new Date(Date.UTC(2024, 2, 15, 23, 59)))).toBe(14);
  });

  it.each([
    ['the date itself', utc(2024, 3, 1), undefined],
    ['13 days later', utc(2024, 3, 14), undefined],
    ['14 days later: soft grace over, a warning', utc(2024, 3, 15), 'warning'],
    ['27 days later', utc(2024, 3, 28), 'warning'],
    ['28 days later: hard grace over, an error', utc(2024, 3, 29), 'error'],
  ])('defaults (14/28 days): %s', (_name, today, level) => {
    const out = judgeDeprecations(found, today, DEFAULT_SOFT_GRACE_DAYS, DEFAULT_HARD_GRACE_DAYS);
    expect(out.map((f) => f.level)).toEqual(level ? [level] : []);
  });

  it('honours other grace periods (-S, -H)', () => {
    expect(judgeDeprecations(found, utc(2024, 3, 3), 1, 5)[0]).toMatchObject({ level: 'warning', days: 2 });
    expect(judgeDeprecations(found, utc(2024, 3, 3), 0, 2)[0]).toMatchObject({ level: 'error', message: expect.stringContaining('hard grace period of 2 day(s)') as string });
  });

  it('reads annotations from text', () => {
    expect(findDeprecatedEnvVars('  A_1: x   #  @deprecated-on 02-Dec-2023\n# B: y # @deprecated-on 01-Jan-2000\n')).toEqual([{ key: 'A_1', deprecatedOn: utc(2023, 12, 2), line: 1 }]);
  });
});
