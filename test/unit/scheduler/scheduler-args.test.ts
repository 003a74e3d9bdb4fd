import { parseArgs } from '../../../scheduler/main';

describe('griddle-scheduler arguments', () => {
  const saved = process.env.GRIDDLE_DRAIN_SECONDS;
  afterEach(() => {
    if (saved === undefined) delete process.env.GRIDDLE_DRAIN_SECONDS;
    else process.env.GRIDDLE_DRAIN_SECONDS = saved;
  });

  it("drains for sidecar-executor's 10 s by default, and takes --drain-seconds or GRIDDLE_DRAIN_SECONDS", () => {
    delete process.env.GRIDDLE_DRAIN_SECONDS;
    expect(parseArgs(['node', 'griddle-scheduler']).drainSeconds).toBe(10);
    expect(parseArgs(['node', 'griddle-scheduler', '--drain-seconds', '2.5']).drainSeconds).toBe(2.5);
    process.env.GRIDDLE_DRAIN_SECONDS = '0';
    expect(parseArgs(['node', 'griddle-scheduler']).drainSeconds).toBe(0);
  });
});
