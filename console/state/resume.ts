/**
 * The reconnect and resume rules of the console's event stream, pure: what the stream shows,
 * which event id it resumes after, and how long it waits before the next attempt.
 */
export type StreamStatus = 'connecting' | 'live' | 'down' | 'unauthorized' | 'stopped';

export interface ResumeState {
  status: StreamStatus;
  /** The id of the newest event received; sent as `Last-Event-ID` on reconnect. */
  lastEventId?: number;
  /** Failed attempts since the stream was last live. */
  failures: number;
  /** When the stream last dropped (for "down since"). */
  downSince?: number;
}

export const initialResume = (lastEventId?: number): ResumeState => ({ status: 'connecting', lastEventId, failures: 0 });

export const RETRY_BASE_MS = 500;
export const RETRY_MAX_MS = 10_000;
/** The server sends a comment every 15 s; this much silence means the connection is dead. */
export const SILENCE_LIMIT_MS = 45_000;

/** The answer arrived: events flow from here on. */
export function opened(s: ResumeState): ResumeState {
  return { ...s, status: 'live', failures: 0, downSince: undefined };
}

/** An event with an id arrived; ids only grow, so an older one (a replay) does not move it back. */
export function received(s: ResumeState, id: number): ResumeState {
  return s.lastEventId !== undefined && id <= s.lastEventId ? s : { ...s, lastEventId: id };
}

/** The connection failed or ended. A 401/403 stops retrying until a new token is given. */
export function dropped(s: ResumeState, now: number, httpStatus?: number): ResumeState {
  if (s.status === 'stopped') return s;
  if (httpStatus === 401 || httpStatus === 403) return { ...s, status: 'unauthorized', downSince: s.downSince ?? now };
  return { ...s, status: 'down', failures: s.failures + 1, downSince: s.downSince ?? now };
}

export function reconnecting(s: ResumeState): ResumeState {
  return s.status === 'stopped' || s.status === 'unauthorized' ? s : { ...s, status: s.failures > 0 ? 'down' : 'connecting' };
}

/**
 * The wait before attempt `failures + 1`: exponential from 0.5 s up to 10 s, with jitter
 * (`random` in [0, 1)) so a restarted scheduler is not hit by every console at once.
 */
export function retryDelay(failures: number, random: number): number {
  const base = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.5 + random / 2));
}

/** The headers of the next request: the Bearer token, and where to resume. */
export function streamHeaders(s: ResumeState, token: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (s.lastEventId !== undefined) headers['last-event-id'] = String(s.lastEventId);
  return headers;
}
