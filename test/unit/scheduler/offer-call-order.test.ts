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

describe('OfferCallOrder when a call hangs', () => {
  afterEach(() => jest.useRealTimers());

  it('starts the next call after maxWaitMs, not never: a call on a dead connection has no deadline of its own', async () => {
    jest.useFakeTimers();
    const order = new OfferCallOrder(10_000);
    const started: string[] = [];
    void order.send(() => { started.push('DECLINE'); return new Promise<void>(() => {}); });
    const revived = order.send(async () => { started.push('REVIVE'); });
    await jest.advanceTimersByTimeAsync(9_999);
    expect(started).toEqual(['DECLINE']);
    await jest.advanceTimersByTimeAsync(1);
    await revived;
    expect(started).toEqual(['DECLINE', 'REVIVE']);
  });
});
