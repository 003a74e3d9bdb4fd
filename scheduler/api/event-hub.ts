/**
 * The live event log behind `GET /api/events`: every event gets an increasing id and sits in a
 * bounded ring so a client that reconnects with `Last-Event-ID` gets what it missed (or is told
 * that it fell too far behind). Publishing never waits on a subscriber.
 */
export interface HubEvent {
  id: number;
  type: string;
  requestId?: string;
  at: number;
  data: Record<string, unknown>;
}

export interface Subscriber {
  requestId?: string;
  deliver(event: HubEvent): void;
}

export class EventHub {
  private readonly ring: HubEvent[] = [];
  private start = 0;
  private nextId = 1;
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly capacity = 10_000, private readonly now: () => number = Date.now) {}

  publish(type: string, data: Record<string, unknown>): HubEvent {
    const requestId = typeof data.requestId === 'string' ? data.requestId : undefined;
    const event: HubEvent = { id: this.nextId++, type, requestId, at: this.now(), data };
    if (this.ring.length < this.capacity) this.ring.push(event);
    else {
      this.ring[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
    for (const s of this.subscribers) if (!s.requestId || s.requestId === requestId) s.deliver(event);
    return event;
  }

  /** Events after `lastId` (matching the filter); `gap` when some were already dropped from the ring. */
  since(lastId: number, requestId?: string): { events: HubEvent[]; gap: boolean } {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.start), ...this.ring.slice(0, this.start)];
    const oldest = ordered[0]?.id ?? this.nextId;
    const events = ordered.filter((e) => e.id > lastId && (!requestId || e.requestId === requestId));
    return { events, gap: lastId + 1 < oldest && lastId < this.nextId - 1 };
  }

  subscribe(s: Subscriber): () => void {
    this.subscribers.add(s);
    return () => this.subscribers.delete(s);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get lastId(): number {
    return this.nextId - 1;
  }
}
