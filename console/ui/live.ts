import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiEventFrame } from '../../contract/events';
import { EventStream, type ResumeState } from '../state';
import { storedToken } from './api';

/**
 * The console's one subscription to `/api/events`, shared by every page, and the hooks that
 * keep a page's data current with it.
 */
const frameListeners = new Set<(f: ApiEventFrame) => void>();
const gapListeners = new Set<() => void>();
const statusListeners = new Set<(s: ResumeState) => void>();

export const stream = new EventStream({
  url: '/api/events',
  fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }),
  clock: { now: () => Date.now(), setTimeout: (fn, ms) => window.setTimeout(fn, ms), clearTimeout: (h) => window.clearTimeout(h as number) },
  token: storedToken,
  onFrame: (f) => frameListeners.forEach((l) => l(f)),
  onGap: () => gapListeners.forEach((l) => l()),
  onStatus: (s) => statusListeners.forEach((l) => l(s)),
});

export function useStreamStatus(): ResumeState {
  const [status, setStatus] = useState(stream.status);
  useEffect(() => {
    statusListeners.add(setStatus);
    return () => void statusListeners.delete(setStatus);
  }, []);
  return status;
}

/** Calls `onFrame` for every event and `onGap` when events were lost (re-read then). */
export function useEvents(onFrame: (f: ApiEventFrame) => void, onGap: () => void = () => undefined): void {
  const frame = useRef(onFrame);
  const gap = useRef(onGap);
  frame.current = onFrame;
  gap.current = onGap;
  useEffect(() => {
    const f = (e: ApiEventFrame): void => frame.current(e);
    const g = (): void => gap.current();
    // Back after an outage: what happened meanwhile may not all be replayed, so re-read.
    let wasDown = false;
    const s = (st: ResumeState): void => {
      if (st.status === 'live' && wasDown) g();
      wasDown = st.status === 'down' || st.status === 'unauthorized';
    };
    frameListeners.add(f);
    gapListeners.add(g);
    statusListeners.add(s);
    return () => {
      frameListeners.delete(f);
      gapListeners.delete(g);
      statusListeners.delete(s);
    };
  }, []);
}

export interface Live<T> { data?: T; error?: string; loading: boolean; reload: () => void }

/** Re-reads happen at most this often while events keep coming. */
const COALESCE_MS = 200;

/**
 * Loads `load()` now, when `key` changes, and again shortly after any event `matches` accepts
 * (or after the stream comes back), so the page never needs a reload. `pollMs` also re-reads
 * on a timer, for what changes without an event (a pending task's reason).
 */
export function useLive<T>(key: string, load: () => Promise<T>, matches: (f: ApiEventFrame) => boolean, pollMs?: number): Live<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const loader = useRef(load);
  loader.current = load;
  const timer = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const run = (): void => {
    const mine = ++seq.current;
    loader.current().then(
      (data) => mine === seq.current && setState({ data, loading: false }),
      (err: unknown) => mine === seq.current && setState((s) => ({ ...s, loading: false, error: err instanceof Error ? err.message : String(err) })),
    );
  };
  const soon = (): void => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      run();
    }, COALESCE_MS);
  };
  useEffect(() => {
    setState({ loading: true });
    run();
    return () => {
      if (timer.current !== undefined) window.clearTimeout(timer.current);
      timer.current = undefined;
      seq.current++;
    };
  }, [key]);
  useEffect(() => {
    if (!pollMs) return;
    const t = window.setInterval(() => document.hidden || soon(), pollMs);
    return () => window.clearInterval(t);
  }, [key, pollMs]);
  useEvents((f) => matches(f) && soon(), soon);
  return { ...state, reload: run };
}
