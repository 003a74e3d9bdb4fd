/**
 * Sends the calls that change what the master offers us (DECLINE, SUPPRESS, REVIVE) one after
 * another, in the order the offer cycle decided them. Each scheduler call has its own
 * connection, so two calls sent back to back may land in either order: a DECLINE with the
 * 120 s idle filter that landed after the REVIVE meant to lift it kept a newly pending task
 * off the only agent for two minutes, and a SUPPRESS landing after a REVIVE would stop offers
 * with tasks waiting.
 */
export class OfferCallOrder {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `call` once every call queued before it has settled (a failed one does not block the rest). */
  send(call: () => Promise<void>): Promise<void> {
    const result = this.tail.then(call);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
