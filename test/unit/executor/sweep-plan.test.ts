import type Docker from 'dockerode';
import pino from 'pino';
import { collectGarbage, planSweep, type SweepFacts, type SweptContainer } from '../../../executor/gc';
import type { Liveness } from '../../../executor/process-identity';

const container = (name: string, labels: Record<string, string>, state = 'running', status = 'Up 1 minute'): SweptContainer => ({
  id: `id-${name}`, name, state, status, labels: { 'griddle.task_id': name, ...labels },
});
const executorOf = (id: string, pid: number, start?: string) => ({
  'griddle.executor_id': id, 'griddle.executor_pid': String(pid), ...(start ? { 'griddle.executor_start_time': start } : {}),
});

/** Processes by pid: the executor id and start time each one has. */
function facts(processes: Record<number, { id: string; start: string } | 'unreadable'>, extra: Partial<SweepFacts> = {}): SweepFacts & { scans: number } {
  const result = {
    scans: 0,
    keepFailed: false,
    liveness(pid: number, executorId: string, start: string | undefined): Liveness {
      const p = processes[pid];
      if (p === undefined) return 'gone';
      if (p === 'unreadable') return 'unreadable';
      return p.id === executorId && (start === undefined || start === p.start) ? 'alive' : 'gone';
    },
    runningExecutors() {
      result.scans++;
      return { ids: new Set(Object.values(processes).flatMap((p) => (p === 'unreadable' ? [] : [p.id]))), unreadable: false };
    },
    ...extra,
  };
  return result;
}

const decisions = (plan: ReturnType<typeof planSweep>) => Object.fromEntries(plan.map((d) => [d.container.name, d.remove ? 'remove' : 'keep']));

describe('orphan sweep plan', () => {
  it('removes the container of a gone executor and keeps that of a live one', () => {
    const plan = planSweep([
      container('live', executorOf('ex-live', 10, '500')),
      container('orphan', executorOf('ex-dead', 11, '501')),
    ], facts({ 10: { id: 'ex-live', start: '500' } }));
    expect(decisions(plan)).toEqual({ live: 'keep', orphan: 'remove' });
    expect(plan.find((d) => d.container.name === 'orphan')?.why).toBe('executor gone');
  });

  it('never removes its own container, even when its labels name a pid that is gone', () => {
    const plan = planSweep([container('mine', executorOf('ex-self', 99, '1'))], { ...facts({}), selfExecutorId: 'ex-self' });
    expect(decisions(plan)).toEqual({ mine: 'keep' });
  });

  it('removes a container whose executor pid now belongs to another process (pid reuse)', () => {
    const plan = planSweep([container('reused', executorOf('ex-old', 12, '100'))], facts({ 12: { id: 'ex-new', start: '900' } }));
    expect(decisions(plan)).toEqual({ reused: 'remove' });
  });

  it('keeps a container whose executor belongs to another user, since it may be alive', () => {
    expect(decisions(planSweep([container('other', executorOf('ex-o', 13))], facts({ 13: 'unreadable' })))).toEqual({ other: 'keep' });
  });

  it('keeps a container adopted by an executor restarted under the same id', () => {
    const plan = planSweep([container('adopted', executorOf('ex-1', 14, '100'))], facts({ 15: { id: 'ex-1', start: '200' } }));
    expect(decisions(plan)).toEqual({ adopted: 'keep' });
    expect(plan[0].why).toMatch(/restarted under its id/);
  });

  it('keeps every candidate when an executor-looking process hides its environment', () => {
    const f = facts({});
    f.runningExecutors = () => ({ ids: new Set(), unreadable: true });
    expect(decisions(planSweep([container('maybe', executorOf('ex-m', 16))], f))).toEqual({ maybe: 'keep' });
  });

  it('keeps failed containers with keepFailed, and removes the ones that exited 0', () => {
    const plan = planSweep([
      container('failed', executorOf('ex-f', 17), 'exited', 'Exited (1) 2 minutes ago'),
      container('finished', executorOf('ex-g', 18), 'exited', 'Exited (0) 2 minutes ago'),
    ], facts({}, { keepFailed: true }));
    expect(decisions(plan)).toEqual({ failed: 'keep', finished: 'remove' });
  });

  it('treats a container without executor labels as an orphan', () => {
    expect(decisions(planSweep([container('bare', {})], facts({})))).toEqual({ bare: 'remove' });
  });

  it('scans the host for executors only when some container has lost its own', () => {
    const f = facts({ 10: { id: 'ex-live', start: '500' } });
    planSweep([container('live', executorOf('ex-live', 10, '500'))], f);
    expect(f.scans).toBe(0);
    planSweep([container('a', executorOf('ex-a', 20)), container('b', executorOf('ex-b', 21))], f);
    expect(f.scans).toBe(1);
  });
});

describe('collectGarbage against a Docker that another sweep races', () => {
  function fakeDocker(removeError: { statusCode: number; message: string } | null) {
    const removed: string[] = [];
    const docker = {
      listContainers: async () => [
        { Id: 'c1', Names: ['/griddle-t1'], State: 'running', Status: 'Up', Labels: { 'griddle.task_id': 't1', ...executorOf('ex-gone', 2 ** 22 + 7) } },
      ],
      getContainer: (id: string) => ({
        remove: async () => {
          if (removeError) throw Object.assign(new Error(removeError.message), { statusCode: removeError.statusCode });
          removed.push(id);
        },
      }),
    };
    return { docker: docker as unknown as Docker, removed };
  }
  function capturingLog() {
    const lines: { level: number; msg: string }[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(JSON.parse(s) as { level: number; msg: string }) });
    return { log, lines };
  }

  it.each([
    [404, 'No such container: c1'],
    [409, 'removal of container c1 is already in progress'],
  ])('counts a %i from the removal as already gone, logged at debug only', async (statusCode, message) => {
    const { docker } = fakeDocker({ statusCode, message });
    const { log, lines } = capturingLog();
    await expect(collectGarbage(docker, log, { keepFailed: false })).resolves.toEqual({ removed: [], kept: [], alreadyGone: ['griddle-t1'] });
    expect(lines.filter((l) => l.level > 20)).toEqual([]);
  });

  it('warns about any other removal failure and carries on', async () => {
    const { docker } = fakeDocker({ statusCode: 500, message: 'driver failed' });
    const { log, lines } = capturingLog();
    await expect(collectGarbage(docker, log, { keepFailed: false })).resolves.toEqual({ removed: [], kept: [], alreadyGone: [] });
    expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual(['cannot remove container']);
  });

  it('removes the orphan', async () => {
    const { docker, removed } = fakeDocker(null);
    const { log } = capturingLog();
    await expect(collectGarbage(docker, log, { keepFailed: false })).resolves.toMatchObject({ removed: ['griddle-t1'] });
    expect(removed).toEqual(['c1']);
  });
});
