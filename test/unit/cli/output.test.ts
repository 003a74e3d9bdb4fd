import { PassThrough } from 'node:stream';
import { SseParser } from '../../../contract';
import { apiBase } from '../../../cli/api/api-client';
import { deployProgress, progressText, withEarlyLogs } from '../../../cli/commands/follow-deploy';
import { diffTasks, describeChange } from '../../../cli/commands/inspect';
import { resolveUrl } from '../../../cli/commands/context';
import { lastLines } from '../../../cli/commands/sandbox';
import { formatAge, renderTable } from '../../../cli/output/table';
import { Terminal } from '../../../cli/output/terminal';
import type { TaskView } from '../../../cli/api/views';

describe('SseParser', () => {
  const STREAM = ': hello\n\nevent: task\ndata: {"a":1}\n\ndata: line1\ndata: line2\nid: 7\n\n';
  it.each([1, 2, 3, 5, STREAM.length])('parses the stream in chunks of %i', (size) => {
    const p = new SseParser();
    const events = [];
    for (let i = 0; i < STREAM.length; i += size) events.push(...p.push(STREAM.slice(i, i + size)));
    expect(events).toEqual([{ event: 'task', data: '{"a":1}' }, { event: 'message', data: 'line1\nline2', id: '7' }]);
  });

  it('accepts CRLF line ends split across chunks', () => {
    const p = new SseParser();
    expect([...p.push('data: x\r'), ...p.push('\n\r\n')]).toEqual([{ event: 'message', data: 'x' }]);
  });
});

describe('URLs', () => {
  it.each([
    ['http://h:7099', 'http://h:7099/api'],
    ['http://h:7099/', 'http://h:7099/api'],
    ['http://localhost:7099/singularity', 'http://localhost:7099/singularity/api'],
    ['http://h:7099/singularity/api/', 'http://h:7099/singularity/api'],
  ])('%s → %s', (url, base) => expect(apiBase(url)).toBe(base));

  it.each<[string | undefined, string | undefined, string | undefined, string]>([
    ['http://flag', 'http://env', 'http://spec', 'http://flag'],
    [undefined, 'http://env', 'http://spec', 'http://env'],
    [undefined, undefined, 'http://spec', 'http://spec'],
    [undefined, undefined, undefined, 'http://127.0.0.1:7099'],
  ])('--url %s, GRIDDLE_URL %s, spec %s → %s', (flag, env, spec, url) => {
    expect(resolveUrl(flag, env ? { GRIDDLE_URL: env } : {}, spec)).toBe(url);
  });
});

const task = (id: string, state: string, healthy?: boolean): TaskView => ({ taskId: id, requestId: 'r', deployId: 'd', host: 'h', ports: [1], state, healthy });

describe('deploy progress', () => {
  it.each<[string, TaskView[], number, number | undefined, boolean, string]>([
    ['nothing yet', [], 3, undefined, true, 'step 1/1, 0/3 healthy'],
    ['running but not healthy yet', [task('a', 'TASK_RUNNING')], 3, undefined, true, 'step 1/1, 0/3 healthy'],
    ['healthy ones count', [task('a', 'TASK_RUNNING', true), task('b', 'TASK_STAGING')], 3, undefined, true, 'step 1/1, 1/3 healthy'],
    ['no health check: running counts', [task('a', 'TASK_RUNNING'), task('b', 'TASK_RUNNING')], 2, undefined, false, 'step 1/1, 2/2 healthy'],
    ['steps of one', [task('a', 'TASK_RUNNING', true)], 3, 1, true, 'step 2/3, 1/3 healthy'],
    ['steps of two, first done', [task('a', 'TASK_RUNNING', true), task('b', 'TASK_RUNNING', true)], 6, 2, true, 'step 2/3, 2/6 healthy'],
  ])('%s', (_name, tasks, total, perStep, hc, text) => {
    expect(progressText('d', deployProgress(tasks, total, perStep, hc))).toBe(`deploy d: ${text}`);
  });

  it('uses the server\'s target when it has one', () => {
    expect(deployProgress([], 6, 2, true, 4).step).toBe(2);
  });
});

describe('task changes', () => {
  it('reports added, changed (state or health) and removed tasks', () => {
    const before = [task('a', 'TASK_RUNNING', true), task('b', 'TASK_RUNNING', true), task('c', 'TASK_STAGING')];
    const after = [task('a', 'TASK_RUNNING', true), task('b', 'TASK_RUNNING', false), task('d', 'TASK_STAGING')];
    expect(diffTasks(before, after).map(describeChange)).toEqual([
      '~ b: RUNNING healthy → RUNNING unhealthy',
      '+ d on h: STAGING -',
      '- c: gone',
    ]);
  });
});

describe('formatting', () => {
  it.each([[0, '0s'], [59_999, '59s'], [60_000, '1m00s'], [3_725_000, '1h02m'], [90_000_000, '1d01h']])('age %i ms is %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('aligns table columns', () => {
    expect(renderTable(['A', 'BB'], [['xxx', 'y'], ['z', '']])).toEqual(['A    BB', 'xxx  y', 'z']);
  });

  it('keeps the last lines', () => {
    expect(lastLines('a\nb\nc\n', 2)).toEqual(['b', 'c']);
    expect(lastLines('', 2)).toEqual([]);
  });

  it('prints plain progress lines only when the status changes when not a TTY', () => {
    const stderr = new PassThrough();
    const t = new Terminal({ stdout: new PassThrough(), stderr }, { json: false, env: {} });
    t.progress('step 1/1, 0/3 healthy', '1s');
    t.progress('step 1/1, 0/3 healthy', '2s');
    t.progress('step 1/1, 1/3 healthy', '3s');
    expect(String(stderr.read())).toBe('step 1/1, 0/3 healthy (1s)\nstep 1/1, 1/3 healthy (3s)\n');
  });

  it('draws a spinner line in place on a TTY', () => {
    const stderr = Object.assign(new PassThrough(), { isTTY: true });
    const t = new Terminal({ stdout: new PassThrough(), stderr }, { json: false, env: {} });
    t.progress('working', '1s');
    t.clearProgress();
    const out = String(stderr.read());
    expect(out.startsWith('\r\u001b[2K')).toBe(true);
    expect(out).toMatch(/working.*1s/);
    expect(out.endsWith('\r\u001b[2K')).toBe(true);
  });
});

describe('sandbox tails of a failed task', () => {
  const early = { stdout: ['booting'], stderr: ['500'], errors: {} };
  it.each<[string, Parameters<typeof withEarlyLogs>[0], Parameters<typeof withEarlyLogs>[1], ReturnType<typeof withEarlyLogs>]>([
    ['readable now: as read now', { stdout: ['a'], stderr: ['b'], errors: {} }, early, { stdout: ['a'], stderr: ['b'], errors: {} }],
    ['gone now: as read while unhealthy', { errors: { stdout: '404', stderr: '404' } }, early, { stdout: ['booting'], stderr: ['500'], errors: { stdout: '404', stderr: '404' }, early: true }],
    ['gone and never seen', { errors: { stdout: '404' } }, undefined, { errors: { stdout: '404' } }],
  ])('%s', (_name, now, before, expected) => {
    expect(withEarlyLogs(now, before)).toEqual(expected);
  });
});
