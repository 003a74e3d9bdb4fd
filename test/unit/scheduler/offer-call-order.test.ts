import { OfferCallOrder } from '../../../scheduler/core/offer-call-order';

interface Deferred { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void }
const deferred = (): Deferred => {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
};
const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('OfferCallOrder: DECLINE, SUPPRESS and REVIVE reach the master in the order decided', () => {
  it('does not start a REVIVE while the DECLINE sent before it is still in flight', async () => {
    const order = new OfferCallOrder();
    const started: string[] = [];
    const decline = deferred();
    const declined = order.send(() => { started.push('DECLINE'); return decline.promise; });
    const revived = order.send(async () => { started.push('REVIVE'); });
    await settle();
    expect(started).toEqual(['DECLINE']);
    decline.resolve();
    await Promise.all([declined, revived]);
    expect(started).toEqual(['DECLINE', 'REVIVE']);
  });

  it('goes on after a call that failed, and gives each caller its own outcome', async () => {
    const order = new OfferCallOrder();
    const started: string[] = [];
    const suppress = deferred();
    const suppressed = order.send(() => { started.push('SUPPRESS'); return suppress.promise; });
    const revived = order.send(async () => { started.push('REVIVE'); });
    suppress.reject(new Error('503'));
    await expect(suppressed).rejects.toThrow('503');
    await expect(revived).resolves.toBeUndefined();
    expect(started).toEqual(['SUPPRESS', 'REVIVE']);
  });
});
