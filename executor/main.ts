#!/usr/bin/env node
/**
 * griddle-executor: launched by a Mesos agent with the MESOS_* environment and no flags;
 * `--gc` sweeps containers of executors that are gone.
 */
import { createLogger } from '../common';
import { ConfigError, readExecutorSettings, readGcIntervalMs, readMesosEnvironment, readVaultSettings } from './config';
import { connectDocker } from './docker-engine';
import { Executor } from './executor';
import { collectGarbage } from './gc';
import { describeSettings, withAliases } from './settings-map';

const HELP = `Usage: griddle-executor        (launched by a Mesos agent; configured by MESOS_*, EXECUTOR_*, VAULT_*)
       griddle-executor --gc   remove Griddle containers whose executor is gone
       griddle-executor --help

Settings are environment variables; see docs/executor.md for every EXECUTOR_* and VAULT_* variable.`;

async function main(argv: string[]): Promise<number> {
  // sidecar-executor's names for Griddle's settings (EXECUTOR_FORCE_CPU_LIMIT, EXECUTOR_DEBUG, ...).
  for (const [name, value] of Object.entries(withAliases(process.env))) if (process.env[name] === undefined && value !== undefined) process.env[name] = value;
  const env = process.env;
  const log = createLogger('griddle-executor');
  for (const { name, value, kind, note } of describeSettings(env)) {
    if (kind === 'mapped') log.info({ setting: name, value, mappedTo: note }, `${name}: honoured as ${note}`);
    else log.warn({ setting: name, value, kind, note }, `${name}: ${kind === 'unknown' ? 'unknown setting' : 'no effect in Griddle'}; ${note}`);
  }
  if (process.env.DEBUG) {
    // docker-modem and node-vault print request bodies under DEBUG (container env, logins): with
    // secrets in them, that output must never reach the sandbox. The `debug` package reads DEBUG
    // when first loaded, which happens later, at launch.
    log.warn({ DEBUG: process.env.DEBUG }, 'DEBUG is ignored by griddle-executor: it would print secrets');
    delete process.env.DEBUG;
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const unknown = argv.filter((a) => a !== '--gc');
  if (unknown.length) {
    process.stderr.write(`griddle-executor: unknown argument ${unknown[0]}\n${HELP}\n`);
    return 2;
  }
  try {
    const settings = readExecutorSettings(env);
    if (argv.includes('--gc')) {
      const result = await collectGarbage(connectDocker(), log, { keepFailed: settings.keepFailedContainers });
      log.info(result, 'garbage collection done');
      return 0;
    }
    const executor = new Executor({
      mesos: readMesosEnvironment(env), settings, vault: readVaultSettings(env), gcIntervalMs: readGcIntervalMs(env), log,
    });
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => {
        log.info({ signal }, 'stopping the task and exiting');
        void executor.shutdown();
      });
    }
    await executor.start();
    return await executor.finished;
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(err.message);
      return 2;
    }
    log.error({ err }, 'griddle-executor failed');
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => setImmediate(() => process.exit(code)),
  () => process.exit(1),
);
