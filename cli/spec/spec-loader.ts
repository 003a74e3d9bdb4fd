import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { deepMerge, isPlainMap, type PlainValue } from './deep-merge';
import { DeprecationSyntaxError, findDeprecatedEnvVars, type DeprecatedEnvVar } from './deprecation';
import {
  checkFormats, describeIssue, formatProblem, missingEnvVarKeys, removeKey, valueAt, type SpecProblem,
} from './spec-helpers';
import { environmentSchema, type EnvironmentSpec } from './spec-schema';

export { formatProblem, specHash, type SpecProblem } from './spec-helpers';

/**
 * The newest Nmesos spec format Griddle reads: every 3.x (Nmesos 3.0.7 is the last release).
 * A spec whose `nmesos_version` asks for a newer one is refused, as Nmesos itself refuses
 * specs newer than the installed tool.
 */
export const NMESOS_FORMAT_VERSION = '3.x';
const NEWEST_MAJOR = 3;

/** Every problem found in a spec, each with the place in the file it comes from. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
  }
}

export interface LoadedSpec {
  /** The service's name: the last segment when it was given as a path (`team/api` → `api`). */
  service: string;
  environment: string;
  file: string;
  /** `common` merged into the environment, validated. */
  spec: EnvironmentSpec;
  /** Every environment the file defines. */
  environments: string[];
  /** Keys Griddle does not know (typos, or fields of a newer Nmesos); reported, then ignored. */
  warnings: SpecProblem[];
  /** `@deprecated-on` annotations anywhere in the file; `judgeDeprecations` decides what they mean today. */
  deprecated: DeprecatedEnvVar[];
}

export interface LoadOptions {
  /** Directory of `<service>.yml` files; default GRIDDLE_CONFIG_REPOSITORY, else `deploy-specs`. */
  repository?: string;
  env?: NodeJS.ProcessEnv;
}

export function specRepository(options: LoadOptions = {}): string {
  const env = options.env ?? process.env;
  return options.repository ?? env.GRIDDLE_CONFIG_REPOSITORY ?? env.NMESOS_CONFIG_REPOSITORY ?? 'deploy-specs';
}

export function specFile(service: string, options: LoadOptions = {}): string {
  const dir = specRepository(options);
  const yml = path.join(dir, `${service}.yml`);
  const yaml = path.join(dir, `${service}.yaml`);
  return !existsSync(yml) && existsSync(yaml) ? yaml : yml;
}

/** Nmesos names a request after the last segment of a service given as a path. */
export function serviceName(service: string): string {
  return service.split(/[\\/]/).filter(Boolean).pop() ?? service;
}

export function loadSpec(service: string, environment: string, options: LoadOptions = {}): LoadedSpec {
  const file = specFile(service, options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SpecError([{ file, line: 0, col: 0, key: '', message: `no spec for service '${service}' (looked for ${file}; set GRIDDLE_CONFIG_REPOSITORY to the directory of your specs)` }]);
  }
  return parseSpec(text, { file, service: serviceName(service), environment });
}

type Positions = Map<string, { line: number; col: number }>;
const SCHEDULER_ALIAS = 'scheduler';

/**
 * Parses and validates one spec's text; `file` is only used in messages. YAML 1.1 with merge
 * keys, as Nmesos's SnakeYAML reads it: `<<: *defaults` merges, `yes`/`no`/`on`/`off` are
 * booleans.
 */
export function parseSpec(text: string, where: { file: string; service: string; environment: string }): LoadedSpec {
  const { file, service, environment } = where;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, version: '1.1', merge: true });
  const at = (node: Node | null | undefined): { line: number; col: number } =>
    node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
  const problem = (node: Node | null | undefined, key: string, message: string): SpecProblem => ({ file, ...at(node), key, message });

  if (doc.errors.length > 0) {
    throw new SpecError(doc.errors.map((e) => {
      const pos = lineCounter.linePos(e.pos[0]);
      return { file, line: pos.line, col: pos.col, key: '', message: `invalid YAML: ${e.message.split('\n')[0]}` };
    }));
  }
  const root = doc.contents;
  if (!isMap(root)) throw new SpecError([problem(root, '', 'must be a YAML mapping with `common` and `environments`')]);
  const warnings: SpecProblem[] = [];
  const child = (node: Node | null | undefined, key: string): Node | undefined => {
    if (!isMap(node)) return undefined;
    const value = node.get(key, true);
    return value === null ? undefined : (value as Node | undefined);
  };
  for (const item of root.items) {
    const key = keyOf(item.key);
    // A top-level key holding only an anchor for `<<:` merges is how YAML specs share blocks.
    if (!['nmesos_version', 'common', 'environments'].includes(key) && !(isMap(item.value) && item.value.anchor)) {
      warnings.push(problem(item.key as Node, key, 'is not a known top-level key (expected nmesos_version, common, environments); ignored'));
    }
  }

  checkVersion(child(root, 'nmesos_version'), problem);

  const environmentsNode = child(root, 'environments');
  if (!isMap(environmentsNode)) throw new SpecError([problem(environmentsNode ?? root, 'environments', 'must be a mapping of environment names to settings')]);
  const environments = environmentsNode.items.map((i) => keyOf(i.key)).filter(Boolean);
  const envNode = child(environmentsNode, environment);
  if (!environments.includes(environment)) {
    throw new SpecError([problem(environmentsNode, `environments.${environment}`, `is not defined (this file has: ${environments.join(', ') || 'none'})`)]);
  }
  const commonNode = child(root, 'common');

  const positions: Positions = new Map();
  collectPositions(commonNode, '', positions, at);
  collectPositions(envNode, '', positions, at);
  // The whole document at once, so that aliases and merge keys resolve.
  const plain = doc.toJS({ maxAliasCount: 1000 }) as { common?: PlainValue; environments?: Record<string, PlainValue> };
  const common = schedulerAlias(plain.common ?? undefined, 'common', problem, commonNode, child);
  const envPlain = (name: string): PlainValue | undefined => schedulerAlias(plain.environments?.[name] ?? undefined, `environments.${name}`, problem, child(environmentsNode, name), child);
  const merged = deepMerge(common, envPlain(environment)) ?? {};
  warnings.push(...envVarKeyWarnings(environments, common, envPlain, (name) => problem(child(environmentsNode, name), `environments.${name}`, '')));
  let deprecated: DeprecatedEnvVar[];
  try {
    deprecated = findDeprecatedEnvVars(text);
  } catch (e) {
    if (!(e instanceof DeprecationSyntaxError)) throw e;
    throw new SpecError([{ file, line: e.line, col: 1, key: '', message: e.message }]);
  }

  const problems: SpecProblem[] = [];
  const place = (issuePath: readonly PropertyKey[]): { line: number; col: number } => {
    for (let n = issuePath.length; n >= 0; n--) {
      const found = positions.get(issuePath.slice(0, n).map(String).join('.'));
      if (found) return found;
    }
    return at(envNode);
  };
  let result = environmentSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const keyPath = [...issue.path, key];
          warnings.push({ file, ...place(keyPath), key: keyPath.join('.'), message: 'is not a known key; ignored' });
          removeKey(merged, keyPath);
        }
      } else {
        problems.push({ file, ...place(issue.path), key: issue.path.join('.'), message: describeIssue(issue, valueAt(merged, issue.path)) });
      }
    }
    if (problems.length === 0) result = environmentSchema.safeParse(merged);
  }
  if (result.success) problems.push(...checkFormats(result.data, (p) => ({ file, ...place(p), key: p.join('.'), message: '' })));
  if (problems.length > 0 || !result.success) throw new SpecError(problems);
  return { service, environment, file, spec: result.data, environments, warnings, deprecated };
}

function keyOf(key: unknown): string {
  // A merge key's value is a symbol; it names no field.
  return isScalar(key) && typeof key.value !== 'symbol' ? String(key.value) : '';
}

/** One warning per environment that lacks env-var keys another environment sets. */
function envVarKeyWarnings(
  environments: string[],
  common: PlainValue | undefined,
  envPlain: (name: string) => PlainValue | undefined,
  at: (name: string) => SpecProblem,
): SpecProblem[] {
  const keys: Record<string, string[] | undefined> = {};
  for (const name of environments) {
    const merged = deepMerge(common, envPlain(name));
    const container = isPlainMap(merged) ? merged.container : undefined;
    const vars = isPlainMap(container) ? container.env_vars : undefined;
    keys[name] = isPlainMap(vars) ? Object.keys(vars) : undefined;
  }
  return Object.entries(missingEnvVarKeys(keys)).map(([name, missing]) => ({
    ...at(name), message: `lacks env_vars that other environments set: ${missing.join(', ')}`,
  }));
}

function checkVersion(node: Node | undefined, problem: (n: Node | undefined, key: string, message: string) => SpecProblem): void {
  if (node === undefined) return;
  const text = isScalar(node) ? String(node.value) : '';
  const wanted = /^\D*(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!wanted) throw new SpecError([problem(node, 'nmesos_version', `must be a version like '0.1.0', got '${text}'`)]);
  if (Number(wanted[1]) > NEWEST_MAJOR) {
    throw new SpecError([problem(node, 'nmesos_version', `asks for Nmesos ${text}; Griddle reads specs up to ${NMESOS_FORMAT_VERSION}`)]);
  }
}

/** `scheduler:` is Griddle's name for Nmesos's `singularity:` block; both read the same. */
function schedulerAlias(
  value: PlainValue | undefined,
  where: string,
  problem: (n: Node | undefined, key: string, message: string) => SpecProblem,
  node: Node | undefined,
  child: (n: Node | null | undefined, key: string) => Node | undefined,
): PlainValue | undefined {
  if (!isPlainMap(value) || !(SCHEDULER_ALIAS in value)) return value;
  if ('singularity' in value) {
    throw new SpecError([problem(child(node, SCHEDULER_ALIAS), `${where}.scheduler`, 'and `singularity` are the same block; keep only one')]);
  }
  const { [SCHEDULER_ALIAS]: scheduler, ...rest } = value;
  return { ...rest, singularity: scheduler };
}

function collectPositions(node: Node | undefined, prefix: string, out: Positions, at: (n: Node) => { line: number; col: number }): void {
  if (node === undefined) return;
  out.set(prefix, at(node));
  const join = (key: string): string => {
    const k = prefix === '' && key === SCHEDULER_ALIAS ? 'singularity' : key;
    return prefix === '' ? k : `${prefix}.${k}`;
  };
  if (isMap(node)) {
    for (const item of node.items) {
      const key = keyOf(item.key);
      if (key === '') continue;
      const value = item.value as Node | null;
      out.set(join(key), at(value ?? (item.key as Node)));
      if (value) collectPositions(value, join(key), out, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectPositions(item as Node, join(String(i)), out, at));
  }
}

