import type { Request, Response, Router } from 'express';
import * as z from 'zod';
import { GAP_EVENT, type GapEvent } from '../../../contract';
import type { EventHub, HubEvent } from '../event-hub';
import { parseInput } from '../http-errors';
import { requestIdSchema } from '../ids';

const eventsQuerySchema = z.object({
  requestId: requestIdSchema.optional(),
});

export interface EventStreamOptions {
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes?: number;
  heartbeatMs?: number;
}

function frame(e: HubEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ id: e.id, type: e.type, at: e.at, ...e.data })}\n\n`;
}

/**
 * `GET /api/events`: server-sent events. Resumes after `Last-Event-ID` (header or
 * `?lastEventId=`), filters by `?requestId=`. A consumer that stops reading is disconnected
 * once its unread backlog passes the limit, so it can never hold the scheduler back.
 */
export function eventStreamHandler(hub: EventHub, options: EventStreamOptions = {}) {
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  return (req: Request, res: Response): void => {
    const query = parseInput(eventsQuerySchema, req.query);
    const rawLast = req.get('last-event-id') ?? (typeof req.query.lastEventId === 'string' ? req.query.lastEventId : undefined);
    const lastId = rawLast !== undefined && /^\d{1,15}$/.test(rawLast) ? Number(rawLast) : undefined;
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write(`retry: 2000\n: connected, last event id ${hub.lastId}\n\n`);
    let closed = false;
    const drop = (): void => {
      if (closed) return;
      closed = true;
      unsubscribe();
      clearInterval(heartbeat);
      res.destroy();
    };
    const send = (text: string): void => {
      if (closed) return;
      res.write(text);
      if (res.writableLength > maxBuffered) drop();
    };
    if (lastId !== undefined) {
      const { events, gap } = hub.since(lastId, query.requestId);
      const gapEvent: GapEvent = { message: 'events after the given Last-Event-ID were dropped from the buffer; re-read state', lastEventId: lastId };
      if (gap) send(`event: ${GAP_EVENT}\ndata: ${JSON.stringify(gapEvent)}\n\n`);
      for (const e of events) send(frame(e));
    }
    const unsubscribe = hub.subscribe({ requestId: query.requestId, deliver: (e) => send(frame(e)) });
    const heartbeat = setInterval(() => send(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    req.on('close', drop);
    res.on('error', drop);
  };
}

/** `/events`: the live feed of `contract/events`. */
export function registerEvents(router: Router, hub: EventHub, options: EventStreamOptions): void {
  router.get('/events', eventStreamHandler(hub, options));
}
