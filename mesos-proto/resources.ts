/**
 * Resource arithmetic and Mesos's text syntax for `--resources` and `--attributes`
 * (`cpus:4;mem:8192;ports:[31000-32000]`, `rack:r1;zone:a`).
 */
import type { Attribute, Range, Resource } from './types';

export function scalar(name: string, value: number): Resource {
  return { name, type: 'SCALAR', scalar: { value } };
}

export function ranges(name: string, list: Range[]): Resource {
  return { name, type: 'RANGES', ranges: { range: list } };
}

function parseRanges(text: string, where: string): Range[] {
  const inner = /^\[(.*)\]$/.exec(text.trim());
  if (!inner) throw new Error(`${where}: ranges must look like [31000-32000], got '${text}'`);
  if (inner[1].trim() === '') return [];
  return inner[1].split(',').map((part) => {
    const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part);
    if (!m || Number(m[1]) > Number(m[2])) throw new Error(`${where}: invalid range '${part.trim()}'`);
    return { begin: Number(m[1]), end: Number(m[2]) };
  });
}

/** `a:1;b:[2-3]` → [['a', '1'], ['b', '[2-3]']]: the text form both flags share. */
function nameValuePairs(text: string, flag: string): [string, string][] {
  return text.split(';').filter((s) => s.trim() !== '').map((entry) => {
    const idx = entry.indexOf(':');
    if (idx < 0) throw new Error(`${flag}: '${entry}' must be name:value`);
    return [entry.slice(0, idx).trim(), entry.slice(idx + 1).trim()];
  });
}

/** Parses `cpus:4;mem:8192;disk:20000;ports:[31000-32000]` (Mesos's --resources text form). */
export function parseResources(text: string): Resource[] {
  return nameValuePairs(text, '--resources').map(([rawName, value]) => {
    const name = rawName.replace(/\(.*\)$/, ''); // a role suffix such as cpus(*) is accepted and dropped
    if (value.startsWith('[')) return ranges(name, parseRanges(value, `--resources ${name}`));
    if (value.startsWith('{')) {
      return { name, type: 'SET', set: { item: value.slice(1, -1).split(',').map((s) => s.trim()).filter(Boolean) } };
    }
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--resources: ${name} must be a non-negative number, got '${value}'`);
    return scalar(name, n);
  });
}

/** Parses `rack:r1;zone:a;weight:3;slots:[1-4]` (Mesos's --attributes text form). */
export function parseAttributes(text: string): Attribute[] {
  return nameValuePairs(text, '--attributes').map(([name, value]) => {
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value, `--attributes ${name}`) } };
    if (/^-?\d+(\.\d+)?$/.test(value)) return { name, type: 'SCALAR', scalar: { value: Number(value) } };
    return { name, type: 'TEXT', text: { value } };
  });
}

/** An attribute's value as text, for constraint matching and state JSON. */
export function attributeText(attr: Attribute): string {
  switch (attr.type) {
    case 'SCALAR': return String(attr.scalar?.value ?? 0);
    case 'TEXT': return attr.text?.value ?? '';
    case 'RANGES': return `[${(attr.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(',')}]`;
    case 'SET': return `{${(attr.set?.item ?? []).join(',')}}`;
  }
}

export function scalarOf(resources: readonly Resource[] | undefined, name: string): number {
  let total = 0;
  for (const r of resources ?? []) if (r.name === name && r.type === 'SCALAR') total += r.scalar?.value ?? 0;
  return total;
}

export function rangesOf(resources: readonly Resource[] | undefined, name: string): Range[] {
  const out: Range[] = [];
  for (const r of resources ?? []) if (r.name === name && r.type === 'RANGES') out.push(...(r.ranges?.range ?? []));
  return out;
}

function normalizeRanges(list: Range[]): Range[] {
  const sorted = [...list].sort((a, b) => a.begin - b.begin);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.begin <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ begin: r.begin, end: r.end });
  }
  return out;
}

function subtractRanges(from: Range[], take: Range[]): Range[] {
  let result = normalizeRanges(from);
  for (const t of take) {
    const next: Range[] = [];
    for (const r of result) {
      if (t.end < r.begin || t.begin > r.end) { next.push(r); continue; }
      if (t.begin > r.begin) next.push({ begin: r.begin, end: t.begin - 1 });
      if (t.end < r.end) next.push({ begin: t.end + 1, end: r.end });
    }
    result = next;
  }
  return result;
}

function rangesContain(outer: Range[], inner: Range[]): boolean {
  const norm = normalizeRanges(outer);
  return inner.every((i) => norm.some((o) => i.begin >= o.begin && i.end <= o.end));
}

const EPSILON = 1e-9;

/** True when `need` fits inside `have` (scalars by amount, ranges by containment, sets by items). */
export function containsResources(have: readonly Resource[], need: readonly Resource[]): boolean {
  const names = new Set(need.map((r) => r.name));
  for (const name of names) {
    const needOfName = need.filter((r) => r.name === name);
    const type = needOfName[0].type;
    if (type === 'SCALAR') {
      if (scalarOf(need, name) > scalarOf(have, name) + EPSILON) return false;
    } else if (type === 'RANGES') {
      if (!rangesContain(rangesOf(have, name), rangesOf(need, name))) return false;
    } else if (type === 'SET') {
      const items = new Set(have.filter((r) => r.name === name).flatMap((r) => r.set?.item ?? []));
      if (!needOfName.flatMap((r) => r.set?.item ?? []).every((i) => items.has(i))) return false;
    }
  }
  return true;
}

/** `have` minus `take`, by name; empty scalars and ranges are dropped. */
export function subtractResources(have: readonly Resource[], take: readonly Resource[]): Resource[] {
  return combine(have, take, -1);
}

export function addResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  return combine(a, b, 1);
}

function combine(base: readonly Resource[], other: readonly Resource[], sign: 1 | -1): Resource[] {
  const names = [...new Set([...base, ...other].map((r) => r.name))];
  const out: Resource[] = [];
  for (const name of names) {
    const sample = [...base, ...other].find((r) => r.name === name)!;
    if (sample.type === 'SCALAR') {
      const value = Math.round((scalarOf(base, name) + sign * scalarOf(other, name)) * 1e6) / 1e6;
      if (value > EPSILON) out.push(scalar(name, value));
    } else if (sample.type === 'RANGES') {
      const list = sign > 0
        ? normalizeRanges([...rangesOf(base, name), ...rangesOf(other, name)])
        : subtractRanges(rangesOf(base, name), rangesOf(other, name));
      if (list.length > 0) out.push(ranges(name, list));
    } else if (sample.type === 'SET') {
      const baseItems = base.filter((r) => r.name === name).flatMap((r) => r.set?.item ?? []);
      const otherItems = new Set(other.filter((r) => r.name === name).flatMap((r) => r.set?.item ?? []));
      const items = sign > 0 ? [...new Set([...baseItems, ...otherItems])] : baseItems.filter((i) => !otherItems.has(i));
      if (items.length > 0) out.push({ name, type: 'SET', set: { item: items } });
    }
  }
  return out;
}

/** Resources as Mesos's state JSON shows them: `{"cpus":4,"mem":8192,"ports":"[31000-32000]"}`. */
export function resourcesToStateJson(resources: readonly Resource[]): Record<string, number | string> {
  const out: Record<string, number | string> = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
  for (const r of resources) {
    if (r.type === 'SCALAR') out[r.name] = scalarOf(resources, r.name);
    else if (r.type === 'RANGES') out[r.name] = `[${normalizeRanges(rangesOf(resources, r.name)).map((x) => `${x.begin}-${x.end}`).join(', ')}]`;
  }
  return out;
}
