/** One difference between the live and the wanted JSON, at a dotted path. */
export interface Change { path: string; kind: 'added' | 'removed' | 'changed'; before?: unknown; after?: unknown }

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Field-by-field differences, objects and arrays compared recursively (array items by
 * index), so a changed image tag shows as one line, not as two whole deploys.
 */
export function diffJson(before: unknown, after: unknown, path = ''): Change[] {
  // A whole new or removed block shows as its leaves, one line each.
  if (before === undefined && (isObject(after) || Array.isArray(after)) && path !== '') before = Array.isArray(after) ? [] : {};
  if (after === undefined && (isObject(before) || Array.isArray(before)) && path !== '') after = Array.isArray(before) ? [] : {};
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) => diffJson(before[i], after[i], `${path}[${i}]`)).flat();
  }
  if (before === undefined && after === undefined) return [];
  if (before === undefined) return [{ path, kind: 'added', after }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [{ path, kind: 'changed', before, after }];
}

export interface DiffStyle { added(s: string): string; removed(s: string): string; changed(s: string): string }

const show = (v: unknown): string => JSON.stringify(v);

export function renderChanges(changes: Change[], style: DiffStyle, indent = '  '): string[] {
  return changes.map((c) => {
    if (c.kind === 'added') return style.added(`${indent}+ ${c.path}: ${show(c.after)}`);
    if (c.kind === 'removed') return style.removed(`${indent}- ${c.path}: ${show(c.before)}`);
    return style.changed(`${indent}~ ${c.path}: ${show(c.before)} → ${show(c.after)}`);
  });
}
