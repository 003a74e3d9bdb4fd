/**
 * Sends the calls that change what the master offers us (DECLINE, SUPPRESS, REVIVE) one after
 * another, in the order the offer cycle decided them. Each scheduler call has its own
 * connection, so two calls sent back to back may land in either order: a DECLINE with the
 * 120 s idle filter that landed after the REVIVE meant to lift it kept a newly pending task
 * off the only agent for two minutes, and a SUPPRESS landing after a REVIVE would stop offers
 * with tasks waiting.
 *
 * A call waits for the one before it at most `maxWaitMs`: a call has no deadline of its own,
 * and one that hung on a dead connection must not hold every later REVIVE back for good.
 */
export const OFFER_CALL_MAX_WAIT_MS = 10_000;

export class OfferCallOrder {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly maxWaitMs = OFFER_CALL_MAX_WAIT_MS) {}

  /** Runs `call` once every call queued before it has settled (a failed one does not block the rest). */
  send(call: () => Promise<void>): Promise<void> {
    const previous = this.tail;
    const turn = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.maxWaitMs);
      timer.unref();
      void previous.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    const result = turn.then(call);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
