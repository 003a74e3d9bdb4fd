/**
 * Singularity's `?property=` filtering (its lists are annotated for jackson-jaxrs-propertyfiltering):
 * each value names a member to keep, dotted for a nested one (`request.id`), or `!name` for one to
 * drop; several may be given as repeated parameters or comma-separated. A list is filtered item by
 * item. With only exclusions everything else stays. Singularity's web UI asks its requests list for
 * eleven members this way, which keeps that answer small. Pure.
 */

type Json = unknown;
interface Tree { keep: Map<string, Tree>; drop: Map<string, Tree>; whole: boolean; dropWhole: boolean }

const tree = (): Tree => ({ keep: new Map(), drop: new Map(), whole: false, dropWhole: false });

/** The `property` query values as one list (`undefined` when none were given). */
export function propertyList(raw: unknown): string[] | undefined {
  const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v): v is string => typeof v === 'string');
  const out = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '' && v !== '!');
  return out.length ? out : undefined;
}

export function filterProperties(value: Json, properties: readonly string[]): Json {
  const root = tree();
  for (const p of properties) {
    const exclude = p.startsWith('!');
    let node = root;
    const parts = (exclude ? p.slice(1) : p).split('.');
    parts.forEach((part, i) => {
      const branch = exclude ? node.drop : node.keep;
      const next = branch.get(part) ?? tree();
      branch.set(part, next);
      if (i === parts.length - 1) {
        if (exclude) next.dropWhole = true;
        else next.whole = true;
      }
      node = next;
    });
  }
  return apply(value, root);
}

function apply(value: Json, t: Tree): Json {
  if (Array.isArray(value)) return value.map((v) => apply(v, t));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, Json> = {};
  for (const [key, member] of Object.entries(value as Record<string, Json>)) {
    const drop = t.drop.get(key);
    if (drop?.dropWhole) continue;
    const keep = t.keep.get(key);
    if (t.keep.size > 0 && !keep) continue;
    let v = member;
    if (keep && !keep.whole) v = apply(v, keep);
    if (drop) v = apply(v, { ...drop, keep: new Map() });
    out[key] = v;
  }
  return out;
}
