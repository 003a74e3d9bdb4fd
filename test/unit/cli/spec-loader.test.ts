import { parseSpec, SpecError, type SpecProblem } from '../../../cli/spec/spec-loader';

const FILE = 'deploy-specs/svc.yml';
const load = (text: string, environment = 'dev') => parseSpec(text, { file: FILE, service: 'svc', environment });
function problemsOf(text: string, environment = 'dev'): SpecProblem[] {
  try {
    load(text, environment);
  } catch (e) {
    if (e instanceof SpecError) return e.problems;
    throw e;
  }
  throw new Error('expected a SpecError');
}

const BASE = `nmesos_version: '0.1.0'
common:
  resources:
    cpus: 0.5
    memoryMb: 128
  container:
    image: griddle/demo-http
    ports: [8080]
    env_vars:
      A: common
      PORT: 8080
  singularity:
    healthcheckUri: /health
environments:
  dev:
    resources:
      instances: 3
    container:
      env_vars:
        A: dev
  prod:
    resources:
      cpus: 2
      instances: 10
    scheduler:
      url: http://prod:7099
`;

describe('spec loader: merging', () => {
  it('deep-merges common into the environment, the environment winning', () => {
    const { spec, environments } = load(BASE);
    expect(environments).toEqual(['dev', 'prod']);
    expect(spec.resources).toEqual({ cpus: 0.5, memoryMb: 128, instances: 3 });
    expect(spec.container.env_vars).toEqual({ A: 'dev', PORT: '8080' });
    expect(spec.singularity?.healthcheckUri).toBe('/health');
  });

  it('accepts an empty environment (`dev:` with no value) and a file without `common`', () => {
    expect(load(BASE.replace('  prod:\n', '  qa:\n  prod:\n'), 'qa').spec.resources).toEqual({ cpus: 0.5, memoryMb: 128 });
    const noCommon = 'environments:\n  dev:\n    resources: { cpus: 1, memoryMb: 32 }\n    container: { image: x }\n';
    expect(load(noCommon).spec.container.image).toBe('x');
  });

  it('reads a `scheduler:` block as the `singularity:` block', () => {
    const { spec } = load(BASE, 'prod');
    expect(spec.resources).toEqual({ cpus: 2, memoryMb: 128, instances: 10 });
    expect(spec.singularity).toEqual({ healthcheckUri: '/health', url: 'http://prod:7099' });
  });

  it('warns about unknown keys with their line and ignores them', () => {
    const loaded = load(BASE.replace('    ports: [8080]', '    ports: [8080]\n    portz: [1]'));
    expect(loaded.warnings).toEqual([{ file: FILE, line: 9, col: 12, key: 'container.portz', message: 'is not a known key; ignored' }]);
    expect(loaded.spec.container).not.toHaveProperty('portz');
  });
});

describe('spec loader: errors name file, line, column and key', () => {
  it.each<[string, string, string, Partial<SpecProblem>]>([
    ['a string where a number goes', '    cpus: 0.5', '    cpus: two',
      { line: 4, col: 11, key: 'resources.cpus', message: "must be a number, got 'two'" }],
    ['a fraction where a whole number goes', '    memoryMb: 128', '    memoryMb: 12.5',
      { line: 5, col: 15, key: 'resources.memoryMb', message: 'must be a whole number, got 12.5' }],
    ['a missing required key', '    memoryMb: 128\n', '',
      { line: 16, col: 7, key: 'resources.memoryMb', message: 'is required' }],
    ['a bad enum', '  singularity:\n', '  singularity:\n    slavePlacement: EVERYWHERE\n',
      { line: 13, col: 21, key: 'singularity.slavePlacement', message: expect.stringMatching(/^must be one of SEPARATE, OPTIMISTIC.*got 'EVERYWHERE'$/) as string }],
    ['a bad port', '    ports: [8080]', '    ports: [8080, "80a"]',
      { line: 8, col: 19, key: 'container.ports.1', message: expect.stringContaining("'80a' is not a port") as string }],
    ['a bad volume', '    ports: [8080]', '    ports: [8080]\n    volumes: ["/tmp"]',
      { line: 9, col: 15, key: 'container.volumes.0', message: "'/tmp' must be host:container or host:container:ro|rw" }],
    ['an environment value overriding with the wrong type', '      instances: 3', '      instances: many',
      { line: 17, col: 18, key: 'resources.instances', message: "must be a number, got 'many'" }],
    ['a list where a mapping goes', '      env_vars:\n        A: dev\n', '      env_vars: [A]\n',
      { key: 'container.env_vars', message: 'must be a mapping, got a list' }],
    ['a health check port index past the ports', '    healthcheckUri: /health', '    healthcheckUri: /health\n    healthcheckPortIndex: 2',
      { line: 14, col: 27, key: 'singularity.healthcheckPortIndex', message: expect.stringContaining('lists 1 port(s)') as string }],
  ])('%s', (_name, from, to, expected) => {
    const text = BASE.replace(from, to);
    expect(text).not.toBe(BASE);
    expect(problemsOf(text)).toEqual([expect.objectContaining({ file: FILE, ...expected })]);
  });

  it('formats the message as file:line:col: `key` message', () => {
    expect(() => load(BASE.replace('    cpus: 0.5', '    cpus: two'))).toThrow("deploy-specs/svc.yml:4:11: `resources.cpus` must be a number, got 'two'");
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(BASE.replace('    cpus: 0.5', '    cpus: two').replace('      instances: 3', '      instances: -1').replace('ports: [8080]', 'ports: [8080, "x"]'));
    expect(problems.map((p) => [p.key, p.line])).toEqual([['resources.cpus', 4], ['resources.instances', 17], ['container.ports.1', 8]]);
  });

  it('names the environments a file has when the one asked for is missing', () => {
    expect(problemsOf(BASE, 'staging')).toEqual([expect.objectContaining({ key: 'environments.staging', message: 'is not defined (this file has: dev, prod)', line: 15 })]);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('common:\n  a: [1, 2\nenvironments: {}\n')).toEqual([expect.objectContaining({ line: expect.any(Number) as number, message: expect.stringMatching(/^invalid YAML/) as string })]);
  });

  it.each([
    ["nmesos_version: '0.1.0'", true],
    ["nmesos_version: '1.0.0'", true],
    ["nmesos_version: '2.0.0'", true],
    ["nmesos_version: '3.0.7'", true],
    ["nmesos_version: '3.99.0'", true],
    ["nmesos_version: '4.0.0'", false],
  ])('honours %s', (line, accepted) => {
    const text = BASE.replace("nmesos_version: '0.1.0'", line);
    if (accepted) expect(load(text).spec.resources.cpus).toBe(0.5);
    else expect(problemsOf(text)).toEqual([expect.objectContaining({ line: 1, col: 17, key: 'nmesos_version', message: expect.stringContaining('Griddle reads specs up to 3.x') as string })]);
  });

  it('refuses a block given as both `singularity` and `scheduler`', () => {
    const text = BASE.replace('  singularity:\n', '  scheduler:\n    url: http://a:1\n  singularity:\n');
    expect(problemsOf(text)).toEqual([expect.objectContaining({ key: 'common.scheduler', line: 13 })]);
  });
});
