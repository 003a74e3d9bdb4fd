import { SseParser, type SseEvent } from '../../contract';

/** Why a call failed, which decides the exit code: unreachable or refused → 3. */
export type ApiErrorKind = 'unreachable' | 'auth' | 'client' | 'conflict' | 'not-found' | 'server';

export class ApiError extends Error {
  constructor(message: string, readonly kind: ApiErrorKind, readonly status?: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * Where the REST API lives for a configured URL. Nmesos specs name Singularity's base
 * (`http://host:7099/singularity`); Griddle serves `/api` under that base and at the root, so
 * `<url>/api` works for both; a URL that already ends in `/api` is used as it is.
 */
export function apiBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/api') ? trimmed : `${trimmed}/api`;
}

export interface ApiClientOptions {
  url: string;
  token?: string;
  /** Per call; streams are not limited. */
  timeoutMs?: number;
}

type Query = Record<string, string | number | undefined>;

/** A thin client of Griddle's Singularity-compatible REST API: JSON in, JSON (as unknown) out. */
export class ApiClient {
  readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = apiBase(options.url);
  }

  get(path: string, query?: Query): Promise<unknown> {
    return this.call('GET', path, undefined, query);
  }

  /** GET that answers null for 404 (an id that does not exist yet). */
  async getOrNull(path: string, query?: Query): Promise<unknown> {
    try {
      return await this.get(path, query);
    } catch (e) {
      if (e instanceof ApiError && e.kind === 'not-found') return null;
      throw e;
    }
  }

  post(path: string, body?: unknown): Promise<unknown> {
    return this.call('POST', path, body ?? {});
  }

  delete(path: string): Promise<unknown> {
    return this.call('DELETE', path);
  }

  put(path: string, body: unknown): Promise<unknown> {
    return this.call('PUT', path, body);
  }

  url(path: string, query?: Query): string {
    const u = new URL(this.base + path);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
    return u.toString();
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: 'application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.options.token) h.authorization = `Bearer ${this.options.token}`;
    return h;
  }

  private async call(method: string, path: string, body?: unknown, query?: Query): Promise<unknown> {
    const url = this.url(path, query);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: this.headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw unreachable(url, e);
    }
    const text = await res.text();
    if (!res.ok) throw httpError(method, url, res.status, text);
    if (text === '') return null;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }

  /**
   * Server-sent events from `/api/events` until `signal` aborts. Resolves when the stream ends;
   * callers poll as well, so a server without the stream still works.
   */
  async events(query: Query, onEvent: (event: SseEvent) => void, signal: AbortSignal): Promise<void> {
    const url = this.url('/events', query);
    let res: Response;
    try {
      res = await fetch(url, { headers: { ...this.headers(false), accept: 'text/event-stream' }, signal });
    } catch (e) {
      if (signal.aborted) return;
      throw unreachable(url, e);
    }
    if (!res.ok || !res.body) throw httpError('GET', url, res.status, await res.text());
    const parser = new SseParser();
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) {
        for (const event of parser.push(decoder.decode(chunk, { stream: true }))) onEvent(event);
      }
    } catch (e) {
      if (!signal.aborted) throw unreachable(url, e);
    }
  }
}

function unreachable(url: string, e: unknown): ApiError {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
  return new ApiError(`cannot reach the Griddle API at ${url} (${cause}); check --url or GRIDDLE_URL`, 'unreachable');
}

function httpError(method: string, url: string, status: number, body: string): ApiError {
  const detail = serverMessage(body);
  const what = `${method} ${url} answered ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new ApiError(`${what} (check --token or GRIDDLE_TOKEN)`, 'auth', status);
  if (status === 404) return new ApiError(what, 'not-found', status);
  if (status === 409) return new ApiError(what, 'conflict', status);
  if (status >= 400 && status < 500) return new ApiError(what, 'client', status);
  return new ApiError(what, 'server', status);
}

function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed === 'object' && parsed !== null) {
      const { message, error } = parsed as { message?: unknown; error?: unknown };
      if (typeof message === 'string') return message;
      if (typeof error === 'string') return error;
    }
  } catch {
    // not JSON: show the text itself
  }
  return body.trim().slice(0, 300);
}
