import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { z } from 'zod';
import { deepMerge, isPlainMap, type PlainValue } from './deep-merge';
import { environmentSchema, type EnvironmentSpec } from './spec-schema';

/**
 * The newest Nmesos spec format Griddle reads. A spec whose `nmesos_version` asks for a newer
 * one is refused, as Nmesos itself refuses specs newer than the installed tool.
 */
export const NMESOS_FORMAT_VERSION = '1.0.0';

export interface SpecProblem { file: string; line: number; col: number; key: string; message: string }

/** Every problem found in a spec, each with the place in the file it comes from. */
export class SpecError extends Error {
  constructor(readonly problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'SpecError';
  }
}

export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.key ? `${where}: \`${p.key}\` ${p.message}` : `${where}: ${p.message}`;
}

export interface LoadedSpec {
  service: string;
  environment: string;
  file: string;
  /** `common` merged into the environment, validated. */
  spec: EnvironmentSpec;
  /** Every environment the file defines. */
  environments: string[];
  /** Keys Griddle does not know (typos, or fields of a newer Nmesos); reported, then ignored. */
  warnings: SpecProblem[];
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

export function loadSpec(service: string, environment: string, options: LoadOptions = {}): LoadedSpec {
  const file = specFile(service, options);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new SpecError([{ file, line: 0, col: 0, key: '', message: `no spec for service '${service}' (looked for ${file}; set GRIDDLE_CONFIG_REPOSITORY to the directory of your specs)` }]);
  }
  return parseSpec(text, { file, service, environment });
}

type Positions = Map<string, { line: number; col: number }>;
const SCHEDULER_ALIAS = 'scheduler';

/** Parses and validates one spec's text; `file` is only used in messages. */
export function parseSpec(text: string, where: { file: string; service: string; environment: string }): LoadedSpec {
  const { file, service, environment } = where;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
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
    const key = isScalar(item.key) ? String(item.key.value) : '';
    if (!['nmesos_version', 'common', 'environments'].includes(key)) {
      warnings.push(problem(item.key as Node, key, 'is not a known top-level key (expected nmesos_version, common, environments); ignored'));
    }
  }

  checkVersion(child(root, 'nmesos_version'), problem);

  const environmentsNode = child(root, 'environments');
  if (!isMap(environmentsNode)) throw new SpecError([problem(environmentsNode ?? root, 'environments', 'must be a mapping of environment names to settings')]);
  const environments = environmentsNode.items.map((i) => (isScalar(i.key) ? String(i.key.value) : '')).filter(Boolean);
  const envNode = child(environmentsNode, environment);
  if (!environments.includes(environment)) {
    throw new SpecError([problem(environmentsNode, `environments.${environment}`, `is not defined (this file has: ${environments.join(', ') || 'none'})`)]);
  }
  const commonNode = child(root, 'common');

  const positions: Positions = new Map();
  collectPositions(commonNode, '', positions, at);
  collectPositions(envNode, '', positions, at);
  const common = schedulerAlias(toPlain(commonNode), 'common', problem, commonNode, child);
  const env = schedulerAlias(toPlain(envNode), `environments.${environment}`, problem, envNode, child);
  const merged = deepMerge(common, env) ?? {};

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
  return { service, environment, file, spec: result.data, environments, warnings };
}

function checkVersion(node: Node | undefined, problem: (n: Node | undefined, key: string, message: string) => SpecProblem): void {
  if (node === undefined) return;
  const text = isScalar(node) ? String(node.value) : '';
  const wanted = /^\D*(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!wanted) throw new SpecError([problem(node, 'nmesos_version', `must be a version like '0.1.0', got '${text}'`)]);
  const have = NMESOS_FORMAT_VERSION.split('.').map(Number);
  const want = wanted.slice(1, 4).map(Number);
  for (let i = 0; i < 3; i++) {
    if (want[i] < have[i]) return;
    if (want[i] > have[i]) {
      throw new SpecError([problem(node, 'nmesos_version', `asks for Nmesos format ${text}; Griddle reads specs up to ${NMESOS_FORMAT_VERSION}`)]);
    }
  }
}

function toPlain(node: Node | undefined): PlainValue | undefined {
  if (node === undefined) return undefined;
  return node.toJSON() as PlainValue;
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
      const key = isScalar(item.key) ? String(item.key.value) : '';
      const value = item.value as Node | null;
      out.set(join(key), at(value ?? (item.key as Node)));
      if (value) collectPositions(value, join(key), out, at);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => collectPositions(item as Node, join(String(i)), out, at));
  }
}

function valueAt(root: PlainValue, issuePath: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of issuePath) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}

function removeKey(root: PlainValue, keyPath: readonly PropertyKey[]): void {
  const parent = valueAt(root, keyPath.slice(0, -1));
  if (typeof parent === 'object' && parent !== null) delete (parent as Record<string, unknown>)[String(keyPath[keyPath.length - 1])];
}

function show(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const ARTICLE: Record<string, string> = { number: 'a number', string: 'a string', boolean: 'true or false', object: 'a mapping', array: 'a list', record: 'a mapping' };

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) return 'is required';
      if (issue.expected === 'int') return `must be a whole number, got ${show(value)}`;
      return `must be ${ARTICLE[issue.expected] ?? issue.expected}, got ${show(value)}`;
    case 'invalid_union':
      return `has the wrong type, got ${show(value)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}, got ${show(value)}`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'must not be empty'
        : `must be ${issue.inclusive ? 'at least' : 'greater than'} ${String(issue.minimum)}, got ${show(value)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}, got ${show(value)}`;
    case 'invalid_format':
      return `must be a valid ${issue.format}, got ${show(value)}`;
    default:
      return issue.message;
  }
}

/** Checks across fields, once each field is valid on its own. */
function checkFormats(spec: EnvironmentSpec, at: (p: (string | number)[]) => SpecProblem): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const ports = spec.container.ports ?? [];
  if (ports.length > 0 && spec.container.network !== undefined && spec.container.network !== 'BRIDGE') {
    problems.push({ ...at(['container', 'network']), message: `is ${spec.container.network}, but port mappings need BRIDGE (remove \`container.ports\` or the network)` });
  }
  const s = spec.singularity;
  if (s?.healthcheckProtocol === 'COMMAND' && !s.healthcheckCommand) {
    problems.push({ ...at(['singularity', 'healthcheckProtocol']), message: 'is COMMAND, so `singularity.healthcheckCommand` must be set' });
  }
  if (s?.healthcheckPortIndex !== undefined && s.healthcheckPortIndex >= ports.length && s.healthcheckProtocol !== 'COMMAND') {
    problems.push({ ...at(['singularity', 'healthcheckPortIndex']), message: `is ${s.healthcheckPortIndex}, but \`container.ports\` lists ${ports.length} port(s) (indexes start at 0)` });
  }
  return problems;
}

/** A short stable hash of what an environment's spec says, for deploy ids (Nmesos: 7 hex of SHA-1). */
export function specHash(value: unknown): string {
  return createHash('sha1').update(canonicalJson(value)).digest('hex').slice(0, 7);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
