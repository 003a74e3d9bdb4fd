/**
 * Nmesos's merge of `common` into `environments.<env>`: maps merge key by key recursively, a
 * scalar in the environment replaces the common one, and lists are joined (common's entries
 * first, then the environment's new ones) because Nmesos unions them — a spec that lists
 * port 8080 in `common` and 9090 in `prod` gets both in prod.
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
    const seen = new Set(common.map((v) => JSON.stringify(v)));
    return [...common, ...environment.filter((v) => !seen.has(JSON.stringify(v)))];
  }
  return environment;
}
