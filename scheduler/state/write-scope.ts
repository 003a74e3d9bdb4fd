import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The records one caller (an API request) wrote, so that it can wait for those alone to be
 * durable instead of for everything queued before it (thousands of launch writes under load).
 * A scope stops collecting once closed: work that a request merely set in motion (a cycle it
 * poked) runs after its answer and is not the request's to wait for.
 */
export class WriteScope {
  open = true;
  readonly keys = new Set<string>();
}

const current = new AsyncLocalStorage<WriteScope>();

export function runInWriteScope<T>(scope: WriteScope, fn: () => T): T {
  return current.run(scope, fn);
}

/** The open scope the running code writes for, if any. */
export function currentWriteScope(): WriteScope | undefined {
  const scope = current.getStore();
  return scope?.open ? scope : undefined;
}

/** Runs `fn` (and what it schedules) outside any caller's scope: shared background work. */
export function outsideWriteScope<T>(fn: () => T): T {
  return current.exit(fn);
}
