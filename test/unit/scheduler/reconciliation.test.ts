import { Reconciler, RECONCILE_INTERVAL_MS } from '../../../scheduler/core';

describe('Reconciler (fake clock)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  }

  it('asks explicitly with backoff until all answer, then implicitly, then every 10 minutes', async () => {
    const sent: string[][] = [];
    const r = new Reconciler(async (tasks) => { sent.push(tasks.map((t) => t.taskId)); }, () => [{ taskId: 'a' }, { taskId: 'b' }]);
    r.start();
    await settle();
    expect(sent).toEqual([['a', 'b']]);
    r.answered('a');
    await jest.advanceTimersByTimeAsync(2000);
    expect(sent).toEqual([['a', 'b'], ['b']]);
    await jest.advanceTimersByTimeAsync(3999);
    expect(sent).toHaveLength(2); // second retry after 4 s
    r.answered('b'); // all answered → implicit at once
    await settle();
    expect(sent[2]).toEqual([]);
    await jest.advanceTimersByTimeAsync(RECONCILE_INTERVAL_MS);
    expect(sent[3]).toEqual([]);
    r.stop();
    await jest.advanceTimersByTimeAsync(RECONCILE_INTERVAL_MS * 3);
    expect(sent).toHaveLength(4);
  });

  it('goes implicit at once when nothing is known, and a restart leaves no stray timer', async () => {
    const sent: number[] = [];
    let release: () => void = () => {};
    const r = new Reconciler((tasks) => new Promise<void>((resolve) => { sent.push(tasks.length); release = resolve; }), () => []);
    r.start();
    await settle();
    r.stop();
    r.start(); // the first round is still awaiting its send
    release();
    await settle();
    release();
    await settle();
    expect(jest.getTimerCount()).toBe(1);
    r.stop();
    expect(jest.getTimerCount()).toBe(0);
    expect(sent).toEqual([0, 0]);
  });
});
