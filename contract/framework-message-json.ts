/**
 * The envelope of Griddle's framework messages (Mesos `MESSAGE`, scheduler ↔ griddle-executor):
 * `data` is base64 of a JSON object. The executor imports this file alone (not `contract/index`).
 */
export function encodeMessageJson(message: object): string {
  return Buffer.from(JSON.stringify(message)).toString('base64');
}

/** The JSON object in a MESSAGE's base64 `data`, or null for anything else (other frameworks' data, garbage). */
export function decodeMessageJson(data: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
