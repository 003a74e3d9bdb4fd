import { Command, CommanderError, Option } from 'commander';
import { ZodError } from 'zod';
import { ApiClient, ApiError } from './api/api-client';
import { scale, rollback } from './commands/change';
import { parseDuration, positiveInt } from './arg-parsers';
import { CliError, EXIT, resolveUrl, type CommandContext } from './commands/context';
import { history, logs, status } from './commands/inspect';
import { haproxy } from './commands/haproxy';
import { check, checkGates, type GracePeriods } from './commands/release';
import { releaseChain } from './commands/release-chain';
import { defaultDiscoveryUrl, verify } from './commands/verify';
import { requestIdFor } from './convert/to-singularity';
import { normalizeGriddleArgv } from './griddle-argv';
import { registerOperations, type CommonOptions } from './program-operations';
import { Terminal, type CliStreams } from './output/terminal';
import { DEFAULT_HARD_GRACE_DAYS, DEFAULT_SOFT_GRACE_DAYS } from './spec/deprecation';
import { loadSpec, serviceName, SpecError, type LoadedSpec } from './spec/spec-loader';

export interface CliDeps {
  streams: CliStreams;
  env: NodeJS.ProcessEnv;
  /** Aborts watchers and followers (SIGINT in the binary). */
  signal: AbortSignal;
  now?: () => number;
  pollMs?: number;
}

interface GraceOptions { deprecatedSoftGracePeriod: number; deprecatedHardGracePeriod: number }
const graceOf = (o: GraceOptions): GracePeriods => ({ softDays: o.deprecatedSoftGracePeriod, hardDays: o.deprecatedHardGracePeriod });

/** Runs one `griddle` command line; resolves to the exit code. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  const { streams, env } = deps;
  let exitCode: number = EXIT.ok;
  let term = new Terminal(streams, { json: false, env });

  const context = (options: CommonOptions, specUrl: string | undefined): CommandContext => {
    term = new Terminal(streams, { json: options.json === true, env });
    const url = resolveUrl(options.url, env, specUrl);
    return {
      api: new ApiClient({ url, token: options.token ?? env.GRIDDLE_TOKEN }),
      term,
      now: deps.now ?? Date.now,
      signal: deps.signal,
      pollMs: deps.pollMs ?? 1000,
    };
  };
  /** Commands that only name a request still read the spec's URL when the spec is there. */
  const lenientSpecUrl = (service: string, environment: string): string | undefined => {
    try {
      return loadSpec(service, environment, { env }).spec.singularity?.url;
    } catch {
      return undefined;
    }
  };
  const common = (cmd: Command, withEnv = true): Command => {
    if (withEnv) cmd.requiredOption('-e, --env <environment>', 'environment in the spec (dev, prod...)');
    return cmd
      .option('--url <url>', 'Griddle API (or a Singularity base URL); default GRIDDLE_URL, the spec\'s singularity.url, http://127.0.0.1:7099')
      .option('--token <token>', 'API token (default GRIDDLE_TOKEN)')
      .option('--json', 'machine-readable output, no colours or progress');
  };
  const run = <A extends unknown[]>(fn: (...args: A) => Promise<number>) => async (...args: A): Promise<void> => {
    exitCode = await fn(...args);
  };
  const load = (service: string, environment: string): LoadedSpec => loadSpec(service, environment, { env });
  /** Nmesos's `-S`/`-H`: days before a `@deprecated-on` env var warns, then stops the command. */
  const grace = (cmd: Command): Command => cmd
    .addOption(new Option('-S, --deprecated-soft-grace-period <days>', 'days after an env var\'s @deprecated-on date before it is warned about').default(DEFAULT_SOFT_GRACE_DAYS).argParser(positiveInt('--deprecated-soft-grace-period')))
    .addOption(new Option('-H, --deprecated-hard-grace-period <days>', 'days after an env var\'s @deprecated-on date before it stops the command').default(DEFAULT_HARD_GRACE_DAYS).argParser(positiveInt('--deprecated-hard-grace-period')));

  const program = new Command('griddle')
    .description('Deploy Docker services to Griddle from Nmesos-style YAML specs (GRIDDLE_CONFIG_REPOSITORY, default deploy-specs/)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => streams.stdout.write(s), writeErr: (s) => streams.stderr.write(s) });

  grace(common(program.command('release').description('release a tag of a service, follow the deploy until it finishes, then its after_deploy jobs'))
    .argument('<service>', 'service name: reads <service>.yml (a path works too: its last segment names the request)')
    .requiredOption('-t, --tag <tag>', 'image tag to release')
    .option('-n, --dry-run', 'print what would change and change nothing (Nmesos\'s `--dry-run true|false` and `--environment` work too)')
    .option('-f, --force', 'release even when this tag and spec were released before (new deploy id)')
    .addOption(new Option('--timeout <seconds>', 'stop following after this long (0 = never)').default(900).argParser(positiveInt('--timeout'))))
    .action(run(async (service: string, o: CommonOptions & GraceOptions & { tag: string; dryRun?: boolean; force?: boolean; timeout: number }) =>
      releaseChain(
        { service, environment: o.env, tag: o.tag, dryRun: o.dryRun === true, force: o.force === true, timeoutMs: o.timeout * 1000, grace: graceOf(o) },
        (svc) => load(svc, o.env),
        (loaded) => context(o, loaded.spec.singularity?.url),
      )));

  grace(common(program.command('check').description('validate a spec, then show what a release would change'))
    .argument('<service>')
    .option('-t, --tag <tag>', 'tag to compare (default: the live one)')
    .option('--offline', 'validate and show the request and deploy without calling the API'))
    .action(run(async (service: string, o: CommonOptions & GraceOptions & { tag?: string; offline?: boolean }) => {
      const loaded = load(service, o.env);
      return check(context(o, loaded.spec.singularity?.url), loaded, o.tag, o.offline === true, graceOf(o));
    }));

  common(program.command('scale').description('set the instance count (default: the spec\'s resources.instances) and wait for it'))
    .argument('<service>')
    .option('-n, --instances <n>', 'instances (default: resources.instances of the spec, as Nmesos scales)', positiveInt('--instances'))
    .option('--dry-run', 'print the change and change nothing')
    .option('--no-wait', 'return once the scheduler accepted the change')
    .addOption(new Option('--timeout <seconds>', 'stop waiting after this long (0 = never)').default(300).argParser(positiveInt('--timeout')))
    .option('--duration <duration>', 'an expiring scale: back to the current count after this long (90s, 30m, 1h)', parseDuration)
    .option('--message <text>', 'why (recorded in the request history)')
    .action(run(async (service: string, o: CommonOptions & { instances?: number; dryRun?: boolean; wait: boolean; timeout: number; duration?: number; message?: string }) => {
      let instances = o.instances;
      let specUrl: string | undefined;
      if (instances === undefined) {
        const loaded = load(service, o.env);
        checkGates(context(o, loaded.spec.singularity?.url), loaded);
        instances = loaded.spec.resources.instances ?? 1;
        specUrl = loaded.spec.singularity?.url;
      } else specUrl = lenientSpecUrl(service, o.env);
      return scale(context(o, specUrl), requestIdFor(o.env, serviceName(service)), { instances, wait: o.wait, timeoutMs: o.timeout * 1000, dryRun: o.dryRun === true, durationMillis: o.duration, message: o.message });
    }));

  common(program.command('rollback').description('redeploy a previous deploy (default: the last successful one) and follow it'))
    .argument('<service>')
    .option('--to <deployId>', 'deploy to go back to')
    .addOption(new Option('--timeout <seconds>', 'stop following after this long (0 = never)').default(900).argParser(positiveInt('--timeout')))
    .action(run(async (service: string, o: CommonOptions & { to?: string; timeout: number }) =>
      rollback(context(o, lenientSpecUrl(service, o.env)), requestIdFor(o.env, serviceName(service)), o.to, o.timeout * 1000)));

  common(program.command('status').description('tasks of a service: host, ports, state, health, age'))
    .argument('<service>')
    .option('-w, --watch', 'then stream task changes until Ctrl-C')
    .action(run(async (service: string, o: CommonOptions & { watch?: boolean }) =>
      status(context(o, lenientSpecUrl(service, o.env)), requestIdFor(o.env, serviceName(service)), o.watch === true)));

  common(program.command('history').description('deploys of a service with their results'))
    .argument('<service>')
    .addOption(new Option('--count <n>', 'how many').default(20).argParser(positiveInt('--count')))
    .action(run(async (service: string, o: CommonOptions & { count: number }) =>
      history(context(o, lenientSpecUrl(service, o.env)), requestIdFor(o.env, serviceName(service)), o.count)));

  common(program.command('logs').description('a task\'s sandbox stdout (or stderr)'))
    .argument('<service>')
    .option('--task <taskId>', 'task (default: the newest of the service)')
    .option('--stderr', 'stderr instead of stdout')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .action(run(async (service: string, o: CommonOptions & { task?: string; stderr?: boolean; follow?: boolean }) =>
      logs(context(o, lenientSpecUrl(service, o.env)), requestIdFor(o.env, serviceName(service)), { taskId: o.task, file: o.stderr ? 'stderr' : 'stdout', follow: o.follow === true })));

  program.command('verify').description('audit the cluster: active requests have their instances running and healthy, discovery agrees, no task is unknown')
    .option('--url <url>', 'Griddle API (or a Singularity base URL); default GRIDDLE_URL, http://127.0.0.1:7099')
    .option('--discovery <url>', 'discovery listener (Sidecar API); default GRIDDLE_DISCOVERY_URL, else the API\'s host on port 7777')
    .option('--token <token>', 'API token (default GRIDDLE_TOKEN)')
    .option('--json', 'machine-readable output')
    .action(run(async (o: Omit<CommonOptions, 'env'> & { discovery?: string }) => {
      const ctx = context({ ...o, env: '' }, undefined);
      return verify(ctx, o.discovery ?? env.GRIDDLE_DISCOVERY_URL ?? defaultDiscoveryUrl(ctx.api.base));
    }));

  registerOperations(program, {
    common, run,
    cluster: (cmd) => cmd
      .option('--url <url>', 'Griddle API; default GRIDDLE_URL, http://127.0.0.1:7099')
      .option('--token <token>', 'API token (default GRIDDLE_TOKEN)')
      .option('--json', 'machine-readable output'),
    forService: (o, service) => ({ ctx: context(o, lenientSpecUrl(service, o.env)), requestId: requestIdFor(o.env, serviceName(service)) }),
    forCluster: (o) => context({ ...o, env: '' }, undefined),
  });

  program.command('haproxy').description('run HAProxy in step with the discovery catalog (Sidecar watch API) until Ctrl-C')
    .requiredOption('--config <file>', 'where the rendered configuration is written')
    .option('--follow <url>', 'discovery listener to follow', 'http://127.0.0.1:7777')
    .option('--haproxy <bin>', 'HAProxy binary', 'haproxy')
    .option('--bind <address>', 'address the frontends bind', '0.0.0.0')
    .option('--json', 'one JSON line per applied or rejected configuration')
    .action(run(async (o: { config: string; follow: string; haproxy: string; bind: string; json?: boolean }) => {
      term = new Terminal(streams, { json: o.json === true, env });
      return haproxy(term, deps.signal, { config: o.config, follow: o.follow, haproxyBin: o.haproxy, bindAddress: o.bind }, streams.stderr);
    }));

  try {
    await program.parseAsync(normalizeGriddleArgv(argv), { from: 'user' });
    return exitCode;
  } catch (e) {
    return failure(e, term);
  }
}

function failure(e: unknown, term: Terminal): number {
  if (e instanceof CommanderError) {
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? EXIT.ok : EXIT.usage;
  }
  const say = (message: string, code: number): number => {
    term.warn(term.color('red', `error: ${message}`));
    return code;
  };
  if (e instanceof CliError) return say(e.message, e.exitCode);
  if (e instanceof SpecError) return say(`invalid spec:\n${e.message}`, EXIT.usage);
  if (e instanceof ApiError) {
    const code = e.kind === 'client' || e.kind === 'not-found' ? EXIT.usage : e.kind === 'conflict' ? EXIT.deployFailed : EXIT.api;
    return say(e.message, code);
  }
  if (e instanceof ZodError) return say(`the API answered in an unexpected shape: ${e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, EXIT.api);
  throw e;
}
