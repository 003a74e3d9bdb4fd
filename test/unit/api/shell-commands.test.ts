/**
 * Task shell commands, pure parts: the allow-list file, argv building with options, output file
 * names, the message codec, and the run records following the executor's updates.
 */
import { EventEmitter } from 'node:events';
import { decodeShellMessage, encodeShellMessage, type ShellCommandRun } from '../../../contract';
import type { SchedulerEvents } from '../../../scheduler/core';
import type { SchedulerPort } from '../../../scheduler/deploys';
import type { TaskRecord } from '../../../scheduler/model';
import { MemoryStateStore } from '../../../scheduler/state';
import { ShellCommandError, buildArgv, outputFilename, parseShellCommands } from '../../../scheduler/api/shell-command-config';
import { ShellCommands, executorIdOf } from '../../../scheduler/api/shell-commands';

const YAML = `
lsof:
  command: [lsof, -P]
  options: { no-dns: [-n], all: -a }
echo:
  command: [echo, hello]
  options: [--verbose]
`;

describe('the allow-list file', () => {
  const list = parseShellCommands(YAML, 'commands.yaml');

  test('YAML and JSON give the same commands; options map to their arguments', () => {
    const json = parseShellCommands(JSON.stringify({ lsof: { command: ['lsof', '-P'], options: { 'no-dns': ['-n'], all: '-a' } } }), 'c.json');
    expect(json.get('lsof')).toEqual(list.get('lsof'));
    expect(list.get('echo')?.options.get('--verbose')).toEqual(['--verbose']);
  });

  test('a malformed file is refused naming the file and the field', () => {
    expect(() => parseShellCommands('lsof: { command: [] }', 'bad.yaml')).toThrow(/bad\.yaml: lsof\.command/);
    expect(() => parseShellCommands('lsof: { command: [x], shell: true }', 'bad.yaml')).toThrow(/bad\.yaml/);
    expect(() => parseShellCommands('"a b": { command: [x] }', 'bad.yaml')).toThrow(/bad\.yaml: a b: Invalid key/);
  });

  test('argv: the command, then each option asked for, in order', () => {
    expect(buildArgv(list, { name: 'lsof' })).toEqual(['lsof', '-P']);
    expect(buildArgv(list, { name: 'lsof', options: ['all', 'no-dns'] })).toEqual(['lsof', '-P', '-a', '-n']);
  });

  test('a command or an option off the list is refused by name', () => {
    expect(() => buildArgv(list, { name: 'rm' })).toThrow(new ShellCommandError("shell command 'rm' is not allowed (allowed: echo, lsof)"));
    expect(() => buildArgv(list, { name: 'lsof', options: ['-p 1; rm -rf /'] })).toThrow(/option '-p 1; rm -rf \/' is not allowed for shell command 'lsof' \(allowed: no-dns, all\)/);
  });

  test('output file: the caller’s plain name, else name-timestamp.log', () => {
    expect(outputFilename({ name: 'lsof' }, 17)).toBe('lsof-17.log');
    expect(outputFilename({ name: 'lsof', logfileName: 'open-files.txt' }, 17)).toBe('open-files.txt');
    for (const bad of ['../stdout', 'a/b', '.hidden', '']) expect(() => outputFilename({ name: 'lsof', logfileName: bad }, 1)).toThrow(ShellCommandError);
  });
});

test('messages: round trip, and foreign data is not mistaken for one', () => {
  const run: ShellCommandRun = { kind: 'griddle.shell-command.run', taskId: 't', name: 'echo', timestamp: 5, argv: ['echo'], outputFilename: 'o.log' };
  expect(decodeShellMessage(encodeShellMessage(run))).toEqual(run);
  expect(decodeShellMessage(Buffer.from('hello').toString('base64'))).toBeNull();
  expect(decodeShellMessage(Buffer.from(JSON.stringify({ ...run, argv: [] })).toString('base64'))).toBeNull();
});

describe('run records', () => {
  const task = { taskId: 'r-d-1-1-host-DEFAULT', requestId: 'r', deployId: 'd', instanceNo: 1, agentId: 'S1', hostname: 'host', ports: [], startedAt: 1, updatedAt: 1, state: 'TASK_RUNNING' } as TaskRecord;
  let clock = 1000;
  const sent: { agentId: string; executorId: string; data: string }[] = [];
  const make = (fail = false) => {
    const store = new MemoryStateStore();
    const events = new EventEmitter<SchedulerEvents>();
    const scheduler = {
      store, events,
      sendFrameworkMessage: async (agentId: string, executorId: string, data: string) => {
        if (fail) throw new Error('not subscribed');
        sent.push({ agentId, executorId, data });
      },
    } as unknown as SchedulerPort;
    return { store, events, commands: new ShellCommands(scheduler, parseShellCommands(YAML, 'y'), () => clock++) };
  };

  test('a run goes to the task’s executor and follows its updates; the record is stored', async () => {
    const { store, events, commands } = make();
    await commands.start();
    const request = commands.run(task, { name: 'lsof', options: ['all'], user: 'ann' });
    expect(request).toMatchObject({ taskId: { id: task.taskId }, user: 'ann', shellCommand: { name: 'lsof', options: ['all'] } });
    const message = decodeShellMessage(sent[0].data) as ShellCommandRun;
    expect(sent[0]).toMatchObject({ agentId: 'S1', executorId: executorIdOf(task) });
    expect(message).toMatchObject({ argv: ['lsof', '-P', '-a'], outputFilename: `lsof-${request.timestamp}.log` });
    for (const updateType of ['ACKED', 'STARTED', 'FINISHED'] as const) {
      events.emit('frameworkMessage', 'S1', task.taskId, encodeShellMessage({ kind: 'griddle.shell-command.update', taskId: task.taskId, name: 'lsof', timestamp: request.timestamp, updateType, outputFilename: message.outputFilename }));
    }
    expect(commands.updatesOf(task.taskId, 'lsof', request.timestamp)?.map((u) => u.updateType)).toEqual(['ACKED', 'STARTED', 'FINISHED']);
    expect(commands.historyOf(task.taskId)).toHaveLength(1);
    const stored = await store.load('shell-commands');
    expect([...stored.values()]).toEqual(commands.historyOf(task.taskId));
    commands.stop();
  });

  test('two runs in one millisecond get distinct ids; an undeliverable run is FAILED', async () => {
    const { commands } = make(true);
    const fixed = new ShellCommands({ store: new MemoryStateStore(), events: new EventEmitter() } as unknown as SchedulerPort, parseShellCommands(YAML, 'y'), () => 7);
    expect(fixed.run(task, { name: 'echo' }).timestamp).toBe(7);
    expect(fixed.run(task, { name: 'echo' }).timestamp).toBe(8);
    const request = commands.run(task, { name: 'echo' });
    await new Promise((r) => setImmediate(r));
    expect(commands.updatesOf(task.taskId, 'echo', request.timestamp)).toEqual([expect.objectContaining({ updateType: 'FAILED', message: 'not delivered to the executor: not subscribed' })]);
  });
});
