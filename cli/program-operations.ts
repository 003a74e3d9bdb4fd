import { type Command, Option } from 'commander';
import { WEBHOOK_TYPES, type WebhookType } from '../contract';
import { parseDuration, positiveInt, unitInterval } from './arg-parsers';
import { machineAction, agents, racks, type AgentAction, type MachineKind } from './commands/agents';
import type { CommandContext } from './commands/context';
import { EXPIRING_PATHS, expiring, type ExpiringKindArg } from './commands/expiring';
import { priorityFreeze } from './commands/priority-freeze';
import { bounce, pause, priority, skipHealthchecks, unpause } from './commands/request-actions';
import { shellCommand } from './commands/shell-command';
import { addWebhook, deleteWebhook, webhooks } from './commands/webhooks';

export interface CommonOptions { url?: string; token?: string; json?: boolean; env: string }
type ClusterOptions = Omit<CommonOptions, 'env'>;

/** What `program.ts` lends the operations commands: its option sets and how a command gets its context. */
export interface ProgramKit {
  /** `-e`, `--url`, `--token`, `--json` (a service command). */
  common(cmd: Command): Command;
  /** `--url`, `--token`, `--json` (a cluster command). */
  cluster(cmd: Command): Command;
  run<A extends unknown[]>(fn: (...args: A) => Promise<number>): (...args: A) => Promise<void>;
  forService(o: CommonOptions, service: string): { ctx: CommandContext; requestId: string };
  forCluster(o: ClusterOptions): CommandContext;
}

interface Expiring { duration?: number; message?: string }
const durationOption = (what: string): Option => new Option('--duration <duration>', `${what} (90s, 30m, 1h)`).argParser(parseDuration);
const messageOption = (): Option => new Option('-m, --message <text>', 'why (recorded in the request history)');

/**
 * The day-to-day operations beside deploys: expiring request actions, task shell commands,
 * priorities, agent and rack maintenance, webhooks. Each is one API call (or a call and a
 * wait with progress), named as in Singularity where it has the action.
 */
export function registerOperations(program: Command, kit: ProgramKit): void {
  const { common, cluster, run, forService, forCluster } = kit;
  const service = (name: string, description: string): Command => common(program.command(name).description(description)).argument('<service>');

  service('pause', 'pause a service (kills its tasks); with --duration the scheduler unpauses it then')
    .addOption(durationOption('unpause after this long')).addOption(messageOption())
    .action(run(async (svc: string, o: CommonOptions & Expiring) => {
      const { ctx, requestId } = forService(o, svc);
      return pause(ctx, requestId, { durationMillis: o.duration, message: o.message });
    }));

  service('unpause', 'unpause a paused service (ends an expiring pause too); its tasks start again')
    .addOption(messageOption())
    .action(run(async (svc: string, o: CommonOptions & Expiring) => {
      const { ctx, requestId } = forService(o, svc);
      return unpause(ctx, requestId, o.message);
    }));

  service('bounce', 'restart every task (each replaced and healthy before the old one stops) and wait for it')
    .addOption(durationOption('abandon the bounce if it is not done after this long'))
    .addOption(messageOption())
    .option('--no-wait', 'return once the scheduler accepted the bounce')
    .addOption(new Option('--timeout <seconds>', 'stop waiting after this long (0 = never)').default(600).argParser(positiveInt('--timeout')))
    .action(run(async (svc: string, o: CommonOptions & Expiring & { wait: boolean; timeout: number }) => {
      const { ctx, requestId } = forService(o, svc);
      return bounce(ctx, requestId, { durationMillis: o.duration, message: o.message, wait: o.wait, timeoutMs: o.timeout * 1000 });
    }));

  service('skip-healthchecks', 'run the service\'s tasks without health checks (--off: with them again); --duration turns them back')
    .option('--off', 'health checks on again')
    .addOption(durationOption('back to what it was after this long'))
    .addOption(messageOption())
    .action(run(async (svc: string, o: CommonOptions & Expiring & { off?: boolean }) => {
      const { ctx, requestId } = forService(o, svc);
      return skipHealthchecks(ctx, requestId, o.off !== true, { durationMillis: o.duration, message: o.message });
    }));

  service('expiring', 'list a service\'s expiring actions, or cancel one (it then stays as it is)')
    .addOption(new Option('--cancel <action>', 'cancel the expiry of this action').choices(Object.keys(EXPIRING_PATHS)))
    .action(run(async (svc: string, o: CommonOptions & { cancel?: ExpiringKindArg }) => {
      const { ctx, requestId } = forService(o, svc);
      return expiring(ctx, requestId, o.cancel);
    }));

  service('priority', 'set the service\'s taskPriorityLevel: when resources are short, higher ones are placed first')
    .argument('<level>', 'from 0 to 1 (default of a request: 0.3)', unitInterval('<level>'))
    .addOption(durationOption('back to the level before it after this long'))
    .addOption(messageOption())
    .action(run(async (svc: string, level: number, o: CommonOptions & Expiring) => {
      const { ctx, requestId } = forService(o, svc);
      return priority(ctx, requestId, level, { durationMillis: o.duration, message: o.message });
    }));

  service('command', 'run a shell command from the scheduler\'s allow-list in a task, show its progress, then its output')
    .argument('<name>', 'the command\'s name in the allow-list (--shell-commands-file)')
    .option('--task <taskId>', 'task to run it in (default: the newest running task of the service)')
    .option('-o, --option <name>', 'an option of the command from the allow-list (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .addOption(new Option('--timeout <seconds>', 'stop waiting for the command after this long (0 = never)').default(660).argParser(positiveInt('--timeout')))
    .action(run(async (svc: string, name: string, o: CommonOptions & { task?: string; option?: string[]; timeout: number }) => {
      const { ctx, requestId } = forService(o, svc);
      return shellCommand(ctx, requestId, { name, options: o.option ?? [], taskId: o.task, timeoutMs: o.timeout * 1000 });
    }));

  registerMachines(program, kit);

  cluster(program.command('priority-freeze').description('show the priority freeze; with <level>, freeze requests below it; --clear lifts it'))
    .argument('[level]', 'minimumPriorityLevel, above 0 up to 1', unitInterval('[level]', true))
    .option('--kill-tasks', 'also kill the running tasks of the requests below the level')
    .addOption(messageOption())
    .option('--clear', 'lift the freeze')
    .action(run(async (level: number | undefined, o: ClusterOptions & { killTasks?: boolean; message?: string; clear?: boolean }) =>
      priorityFreeze(forCluster(o), { level, killTasks: o.killTasks === true, message: o.message, clear: o.clear === true })));

  cluster(program.command('webhooks').description('webhooks with their delivery state: queued updates, failures, last error'))
    .action(run(async (o: ClusterOptions) => webhooks(forCluster(o))));
  const webhook = program.command('webhook').description('register or remove a webhook');
  cluster(webhook.command('add <url>').description('POST every update of a type to <url> (at least once, in order)'))
    .addOption(new Option('--type <type>', 'which updates').choices([...WEBHOOK_TYPES]).makeOptionMandatory())
    .action(run(async (url: string, o: ClusterOptions & { type: WebhookType }) => addWebhook(forCluster(o), url, o.type)));
  cluster(webhook.command('delete <webhook>').description('remove a webhook (by id, or by URL when it has one type) and its queue'))
    .action(run(async (target: string, o: ClusterOptions) => deleteWebhook(forCluster(o), target)));
}

/** `griddle agents|racks` and `griddle agent|rack freeze|decommission|activate`. */
function registerMachines(program: Command, { cluster, run, forCluster }: ProgramKit): void {
  cluster(program.command('agents').description('agents with their maintenance state (ACTIVE, FROZEN, DECOMMISSIONING...)'))
    .action(run(async (o: ClusterOptions) => agents(forCluster(o))));
  cluster(program.command('racks').description('racks with their maintenance state'))
    .action(run(async (o: ClusterOptions) => racks(forCluster(o))));
  const actions: readonly (readonly [AgentAction, string])[] = [
    ['freeze', 'no new tasks on it'],
    ['decommission', 'move its tasks elsewhere (each replaced and healthy before the old one stops), then DECOMMISSIONED'],
    ['activate', 'back to normal'],
  ];
  for (const kind of ['agent', 'rack'] as const satisfies readonly MachineKind[]) {
    const group = program.command(kind).description(`${kind} maintenance: freeze, decommission, activate`);
    for (const [action, what] of actions) {
      cluster(group.command(`${action} <${kind}>`).description(`${what}; <${kind}> is ${kind === 'agent' ? 'an agent id or host' : 'a rack id'}`))
        .option('-m, --message <text>', `why (kept in the ${kind}'s state history)`)
        .action(run(async (target: string, o: ClusterOptions & { message?: string }) => machineAction(forCluster(o), kind, action, target, o.message)));
    }
  }
}
