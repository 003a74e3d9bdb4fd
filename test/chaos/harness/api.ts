/**
 * The scheduler API as a chaos test uses it: any live scheduler answers (standbys forward
 * writes to the leader), so calls go round the live ones until one answers; the leader is
 * found from /healthz.
 */
import type { ChaosStack } from './stack';

export interface ApiAnswer<T> { status: number; body: T }

export async function call<T>(url: string, method: string, path: string, body?: unknown, timeoutMs = 5000): Promise<ApiAnswer<T>> {
  const res = await fetch(`${url}${path}`, {
    method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (an error text): kept as it is.
  }
  return { status: res.status, body: parsed as T };
}

/** The URL of the scheduler that says it leads and is subscribed, or null. */
export async function leaderUrl(stack: ChaosStack): Promise<string | null> {
  for (const slot of stack.slots) {
    if (!slot.proc.alive) continue;
    const h = await slot.proc.healthz();
    if (h?.role === 'leader' && h.subscribed) return slot.proc.url;
  }
  return null;
}

/** Indexes of the schedulers that say they lead (more than one: a split brain, or a leader that has not noticed yet). */
export async function leaderIndices(stack: ChaosStack): Promise<number[]> {
  const answers = await Promise.all(stack.slots.map((s) => (s.proc.alive ? s.proc.healthz() : Promise.resolve(null))));
  return answers.flatMap((h, i) => (h?.role === 'leader' ? [i] : []));
}

export async function leaderIndex(stack: ChaosStack): Promise<number> {
  return (await leaderIndices(stack))[0] ?? -1;
}

/** A read from the leader (a standby may lag behind it); throws when there is none. */
export async function readFromLeader<T>(stack: ChaosStack, path: string): Promise<T> {
  const url = await leaderUrl(stack);
  if (!url) throw new Error('no subscribed leader');
  const answer = await call<T>(url, 'GET', path);
  if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A write sent to one live scheduler after another until one answers 2xx; throws with the last answer. */
export async function write<T>(stack: ChaosStack, method: string, path: string, body: unknown, attempts = 20): Promise<T> {
  let last = '';
  for (let i = 0; i < attempts; i++) {
    const live = stack.slots.filter((s) => s.proc.alive);
    const slot = live[i % Math.max(1, live.length)];
    if (slot) {
      try {
        const answer = await call<T>(slot.proc.url, method, path, body);
        if (answer.status >= 200 && answer.status < 300) return answer.body;
        last = `${answer.status} ${JSON.stringify(answer.body)}`;
      } catch (err) {
        last = (err as Error).message;
      }
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${method} ${path} never accepted: ${last}`);
}
