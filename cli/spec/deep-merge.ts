/**
 * Nmesos's merge of `common` into `environments.<env>`: maps merge key by key recursively, a
 * scalar in the environment replaces the common one, and lists are joined because Nmesos
 * unions them — a spec that lists port 8080 in `common` and 9090 in `prod` gets both in prod.
 * The environment's items come first, then common's new ones, in Nmesos's order: it matters
 * for ports, whose position is the `FROM_OFFER` index and `healthcheckPortIndex`.
 */
export type PlainValue = null | boolean | number | string | PlainValue[] | { [key: string]: PlainValue };
export type PlainMap = { [key: string]: PlainValue };

export function isPlainMap(value: unknown): value is PlainMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepMerge(common: PlainValue | undefined, environment: PlainValue | undefined): PlainValue | undefined {
  if (environment === undefined || environment === null) return common ?? environment;
  if (common === undefined || common === null) return environment;
  if (isPlainMap(common) && isPlainMap(environment)) {
    const out: PlainMap = { ...common };
    for (const [key, value] of Object.entries(environment)) {
      const merged = deepMerge(common[key], value);
      if (merged !== undefined) out[key] = merged;
    }
    return out;
  }
  if (Array.isArray(common) && Array.isArray(environment)) {
    const seen = new Set<string>();
    return [...environment, ...common].filter((v) => {
      const key = JSON.stringify(v);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return environment;
}
