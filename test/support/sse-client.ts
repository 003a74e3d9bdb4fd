/** Follows Griddle's `/api/events` server-sent events in a test, parsed by the CLI's SseParser. */
import http from 'node:http';
import { SseParser } from '../../cli';

export interface ApiEvent { id: number; event: string; data: Record<string, unknown> }

export interface EventFollower {
  /** Every event with an id received so far, in order. */
  events: ApiEvent[];
  /** Resolves once the server answered: events published from then on are received. */
  opened: Promise<void>;
  stop(): void;
}

export function followEvents(url: string, options: {
  headers?: Record<string, string>;
  /** Called after each chunk with all events so far. */
  onEvents?: (events: ApiEvent[]) => void;
  /** Errors before stop(); ignored when not given. */
  onError?: (err: Error) => void;
} = {}): EventFollower {
  const events: ApiEvent[] = [];
  const parser = new SseParser();
  let stopped = false;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const req = http.get(url, { headers: options.headers ?? {} }, (res) => {
    open();
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      for (const e of parser.push(chunk)) {
        if (e.id !== undefined) events.push({ id: Number(e.id), event: e.event, data: JSON.parse(e.data) as ApiEvent['data'] });
      }
      options.onEvents?.(events);
    });
  });
  req.on('error', (err) => {
    if (!stopped) options.onError?.(err);
  });
  return {
    events,
    opened,
    stop() {
      stopped = true;
      req.destroy();
    },
  };
}
