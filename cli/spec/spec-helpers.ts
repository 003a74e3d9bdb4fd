import { createHash } from 'node:crypto';
import type { z } from 'zod';
import type { PlainValue } from './deep-merge';
import type { EnvironmentSpec } from './spec-schema';

/**
 * The loader's helpers that need no YAML nodes: zod issues in words, cross-field checks, the
 * spec hash, and the comparison of env-var keys across environments.
 */

export interface SpecProblem { file: string; line: number; col: number; key: string; message: string }

export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.col}` : p.file;
  return p.key ? `${where}: \`${p.key}\` ${p.message}` : `${where}: ${p.message}`;
}

export function valueAt(root: PlainValue, issuePath: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const key of issuePath) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[String(key)];
  }
  return value;
}

export function removeKey(root: PlainValue, keyPath: readonly PropertyKey[]): void {
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

export function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
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
export function checkFormats(spec: EnvironmentSpec, at: (p: (string | number)[]) => SpecProblem): SpecProblem[] {
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

/**
 * Nmesos's check that every environment sets the same env vars (feature toggles are easy to
 * add to one environment and forget in the next): the keys each environment with
 * `container.env_vars` lacks, given every environment's merged keys.
 */
export function missingEnvVarKeys(keysByEnvironment: Record<string, string[] | undefined>): Record<string, string[]> {
  const all = new Set<string>();
  for (const keys of Object.values(keysByEnvironment)) for (const k of keys ?? []) all.add(k);
  const out: Record<string, string[]> = {};
  for (const [env, keys] of Object.entries(keysByEnvironment)) {
    if (keys === undefined) continue;
    const have = new Set(keys);
    const missing = [...all].filter((k) => !have.has(k)).sort();
    if (missing.length > 0) out[env] = missing;
  }
  return out;
}
