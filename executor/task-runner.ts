/**
 * One task's life in Docker: Vault → image → container → TASK_RUNNING → health checks →
 * end by exit code, kill or failed health, then removal of the container.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '../common';
import type { Label, TaskInfo, TaskState, TaskStatusReason } from '../mesos-proto';
import type { ExecutorSettings, VaultSettings } from './config';
import { LABEL_EXECUTOR_ID, buildContainerPlan, containerName, dockerImage } from './container-spec';
import { PullError, ensureImage, isNotFound, removeAndWait } from './docker-engine';
import { HealthChecker, type Probe } from './health-checker';
import { healthPolicyOptions, type HealthPolicyOptions } from './health-policy';
import { createProbe } from './health-probes';
import { labelProbe, templateContext } from './label-health';
import { resolveLaunchSecrets } from './launch-secrets';
import { ownStartTime } from './process-identity';
import { agentRegistryAuth, parseRegistrySecret, registryOf, type RegistryAuth } from './registry-auth';
import { OutputTail, RedactingStream, redact } from './secret-redaction';
import { discoveryEnabled, effectiveLabels, sidecarCheck, sidecarPolicy } from './sidecar-labels';
import type { VaultTokenKeeper } from './vault-token-keeper';

export interface StatusReport {
  state: TaskState;
  message?: string;
  reason?: TaskStatusReason;
  healthy?: boolean;
  labels?: Label[];
}

/** TaskStatus label telling the scheduler the task is out of discovery (SidecarDiscover=false). */
export const STATUS_LABEL_DISCOVER = 'griddle.discover';
/** sidecar-executor's SidecarDrainingDuration default, for tasks no Griddle scheduler drains. */
export const DEFAULT_EXECUTOR_DRAIN_MS = 10_000;

export interface TaskRunnerDeps {
  docker: Docker;
  settings: ExecutorSettings;
  vault: VaultSettings;
  executorId: string;
  frameworkId: string;
  agentId: string;
  hostname: string;
  /** The agent's `rackid`/`rack` attribute (Singularity's TASK_RACK_ID). */
  rackId?: string;
  sandbox: string | undefined;
  /** Whether the framework understands TASK_KILLING. */
  killingState: boolean;
  log: Logger;
  report(status: StatusReport): void;
}

type Phase = 'launching' | 'running' | 'killing' | 'done';

export const HEALTH_FAILED_PREFIX = 'health check failed:';

/** The executor's own stdout/stderr when the agent pointed them at the sandbox files, else those files opened for append. */
function sandboxSink(sandbox: string | undefined, name: 'stdout' | 'stderr'): Writable {
  const own = name === 'stdout' ? process.stdout : process.stderr;
  if (!sandbox) return own;
  const file = path.join(sandbox, name);
  try {
    const a = fs.fstatSync(name === 'stdout' ? 1 : 2);
    const b = fs.statSync(file);
    if (a.ino === b.ino && a.dev === b.dev) return own;
  } catch {
    // The file does not exist yet: create it below.
  }
  return fs.createWriteStream(file, { flags: 'a' });
}

export class TaskRunner {
  private phase: Phase = 'launching';
  private container: Docker.Container | null = null;
  private checker: HealthChecker | null = null;
  private killRequested = false;
  private healthFailure: string | null = null;
  private secrets: string[] = [];

  /** The secret values resolved for this task, for whatever else writes its output (shell commands). */
  get secretValues(): readonly string[] {
    return this.secrets;
  }

  private tokenKeeper: VaultTokenKeeper | null = null;
  private outputDone: Promise<void> = Promise.resolve();
  private readonly tail: OutputTail;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));
  readonly taskId: string;
  private readonly log: Logger;

  constructor(private readonly task: TaskInfo, private readonly deps: TaskRunnerDeps) {
    this.taskId = task.task_id.value;
    this.log = deps.log.child({ taskId: this.taskId });
    this.tail = new OutputTail(deps.settings.logTailBytes);
  }

  private finish(state: TaskState, message: string, extra: Omit<StatusReport, 'state' | 'message'> = {}): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.checker?.stop();
    this.tokenKeeper?.stop();
    const safe = redact(message, this.secrets);
    this.log.info({ state, reason: extra.reason, message: safe }, 'task ended');
    this.deps.report({ state, message: safe, ...extra });
    this.resolveDone();
  }

  async launch(): Promise<void> {
    this.deps.report({ state: 'TASK_STARTING' });
    try {
      await this.start();
    } catch (err) {
      const message = (err as Error).message;
      const reason: TaskStatusReason = err instanceof PullError || this.container ? 'REASON_CONTAINER_LAUNCH_FAILED' : 'REASON_TASK_INVALID';
      if (this.container) await this.removeContainer(true);
      if (this.killRequested) this.finish('TASK_KILLED', 'killed during launch', { reason: 'REASON_TASK_KILLED_DURING_LAUNCH' });
      else this.finish('TASK_FAILED', message, { reason });
    }
  }

  /** Whether the task takes part in discovery: SidecarDiscover label, else EXECUTOR_SIDECAR_DISCOVER. */
  get discovered(): boolean {
    return discoveryEnabled(effectiveLabels(this.task), this.deps.settings.sidecarDiscover);
  }

  /**
   * The drain between TASK_KILLING and SIGTERM: EXECUTOR_SIDECAR_DRAINING_DURATION when set;
   * otherwise none for tasks of Griddle's scheduler (its kill gate drains them for the deploy's
   * `drainSeconds` before it sends KILL) and sidecar-executor's 10 s for any other framework's.
   */
  drainMs(): number {
    if (!this.discovered) return 0;
    const fromGriddle = (this.task.labels?.labels ?? []).some((l) => l.key === 'griddle.request_id');
    return this.deps.settings.drainMs ?? (fromGriddle ? 0 : DEFAULT_EXECUTOR_DRAIN_MS);
  }

  private statusLabels(): Label[] {
    return [{ key: STATUS_LABEL_DISCOVER, value: String(this.discovered) }];
  }

  /** The Vault credential of EXECUTOR_REGISTRY_AUTH, else the agent's Docker config. */
  private async registryAuth(image: string, fromVault: string | undefined): Promise<RegistryAuth | undefined> {
    if (fromVault !== undefined) return parseRegistrySecret(fromVault, registryOf(image));
    return agentRegistryAuth(image, this.deps.settings.dockerConfigDir);
  }

  private async start(): Promise<void> {
    const { docker, settings } = this.deps;
    const image = dockerImage(this.task);
    const secrets = await resolveLaunchSecrets(this.task, settings, this.deps.vault, this.log);
    this.secrets = secrets.values;
    this.tokenKeeper = secrets.tokenKeeper;
    if (this.killRequested) throw new Error('killed during launch');

    const name = containerName(this.taskId);
    const leftover = await this.inspectByName(name);
    if (leftover?.State.Running && leftover.Config.Labels?.[LABEL_EXECUTOR_ID] === this.deps.executorId) {
      this.log.info({ container: name }, 'adopting the running container of this task');
      this.container = docker.getContainer(leftover.Id);
      await this.streamOutput(this.container, true);
      await this.running();
      return;
    }
    if (leftover) {
      this.log.warn({ container: name, running: leftover.State.Running }, 'removing a leftover container of this task');
      await removeAndWait(docker, leftover.Id);
    }

    await ensureImage(docker, image, {
      auth: async () => {
        const auth = await this.registryAuth(image, secrets.registryAuth);
        if (auth) this.log.info({ registry: auth.serveraddress, user: auth.username, from: secrets.registryAuth !== undefined ? 'vault' : 'docker config' }, 'registry credential found');
        return auth;
      },
      force: this.task.container?.docker?.force_pull_image ?? false,
      attempts: settings.pullAttempts,
      retryDelayMs: settings.pullRetryDelayMs,
      log: this.log,
    });
    if (this.killRequested) throw new Error('killed during launch');

    const plan = buildContainerPlan(this.task, {
      executorId: this.deps.executorId,
      frameworkId: this.deps.frameworkId,
      agentId: this.deps.agentId,
      executorPid: process.pid,
      executorStartTime: ownStartTime(),
      hostname: this.deps.hostname,
      rackId: this.deps.rackId,
      strictDockerParameters: settings.strictDockerParameters,
      cpuLimit: settings.cpuLimit,
      memoryLimit: settings.memoryLimit,
      secrets: secrets.byRef,
    });
    for (const warning of plan.warnings) this.log.warn(warning);
    this.container = await docker.createContainer(plan.options);
    this.log.info({ container: plan.name, image, id: this.container.id }, 'container created');
    await this.streamOutput(this.container, false);
    await this.container.start();
    if (this.killRequested) {
      await this.stopContainer(this.deps.settings.killTaskTimeoutMs);
      throw new Error('killed during launch');
    }
    await this.running();
  }

  private async inspectByName(name: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.deps.docker.getContainer(name).inspect();
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  /**
   * Copies the container's output into the sandbox, with secrets redacted. Attaching completes
   * before the container starts so that nothing a short-lived container prints is lost.
   */
  private async streamOutput(container: Docker.Container, adopted: boolean): Promise<void> {
    const out = new RedactingStream(this.secrets);
    const err = new RedactingStream(this.secrets);
    const sinks = [sandboxSink(this.deps.sandbox, 'stdout'), sandboxSink(this.deps.sandbox, 'stderr')];
    out.pipe(sinks[0], { end: false });
    err.pipe(sinks[1], { end: false });
    out.on('data', (chunk: Buffer) => this.tail.push(chunk));
    err.on('data', (chunk: Buffer) => this.tail.push(chunk));
    let stream: NodeJS.ReadableStream;
    try {
      stream = adopted
        ? await container.logs({ follow: true, stdout: true, stderr: true, since: Math.floor(Date.now() / 1000) })
        : await container.attach({ stream: true, stdout: true, stderr: true });
    } catch (e) {
      this.log.warn({ cause: (e as Error).message }, 'cannot stream container output');
      return;
    }
    this.deps.docker.modem.demuxStream(stream, out, err);
    const ended = (s: NodeJS.EventEmitter) => new Promise<void>((resolve) => {
      s.once('end', resolve);
      s.once('close', resolve);
      s.once('error', () => resolve());
    });
    this.outputDone = ended(stream).then(async () => {
      const flushed = Promise.all([ended(out), ended(err)]);
      out.end();
      err.end();
      await flushed;
      await Promise.all(sinks.filter((s) => s !== process.stdout && s !== process.stderr)
        .map((s) => new Promise<void>((resolve) => s.end(() => resolve()))));
    });
  }

  private async running(): Promise<void> {
    const container = this.container;
    if (!container) return;
    const info = await container.inspect();
    this.phase = 'running';
    const labels = this.statusLabels();
    this.deps.report({ state: 'TASK_RUNNING', message: `container ${info.Name.replace(/^\//, '')} is running`, labels });
    void this.watchExit(container);
    const health = this.healthCheck(container, info);
    if (!health) return;
    this.checker = new HealthChecker(health.policy, health.probe, {
      onChange: (healthy, reason) => {
        if (this.phase !== 'running') return;
        this.log.info({ healthy, cause: reason }, 'health changed');
        this.deps.report({ state: 'TASK_RUNNING', healthy, labels, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED', message: healthy ? 'health check passed' : `health check failing: ${reason}` });
      },
      onExhausted: (reason, failures) => {
        this.healthFailure = `${HEALTH_FAILED_PREFIX} ${reason} (${failures} consecutive failures)`;
        this.log.warn({ failures, cause: reason }, 'health checks exhausted; killing the task');
        void this.kill(this.killGraceMs(undefined), false);
      },
    });
    this.checker.start();
  }

  /**
   * The deploy's own health check; without one, the Sidecar check its `HealthCheck` label names
   * (on a task in discovery), timed by the EXECUTOR_SIDECAR_* settings; else none.
   */
  private healthCheck(container: Docker.Container, info: Docker.ContainerInspectInfo): { policy: HealthPolicyOptions; probe: Probe } | undefined {
    const check = this.task.health_check;
    if (check) {
      const bridgeIp = Object.values(info.NetworkSettings.Networks ?? {})[0]?.IPAddress;
      const host = info.HostConfig.NetworkMode === 'host' || !bridgeIp ? '127.0.0.1' : bridgeIp;
      return { policy: healthPolicyOptions(check), probe: createProbe(check, container, host) };
    }
    const labels = effectiveLabels(this.task);
    const fromLabel = this.discovered ? sidecarCheck(labels) : undefined;
    if (!fromLabel) return undefined;
    const { settings } = this.deps;
    const policy = sidecarPolicy({ backoffMs: settings.sidecarBackoffMs, pollIntervalMs: settings.sidecarPollIntervalMs, maxFails: settings.sidecarMaxFails });
    const { probe, describe } = labelProbe(fromLabel, this.task, templateContext(this.task, labels, info.Config.Hostname));
    this.log.info({ check: describe, delayMs: policy.delayMs, intervalMs: policy.intervalMs, maxFails: policy.consecutiveFailures }, 'health check from the HealthCheck label');
    return { policy, probe };
  }

  private async watchExit(container: Docker.Container): Promise<void> {
    let code: number;
    try {
      code = ((await container.wait()) as { StatusCode: number }).StatusCode;
    } catch (err) {
      this.finish('TASK_FAILED', `lost track of container: ${(err as Error).message}`, { reason: 'REASON_EXECUTOR_TERMINATED' });
      return;
    }
    // The last output must reach the sandbox before the terminal update lets the executor exit.
    const flushed = await Promise.race([this.outputDone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2000).unref())]);
    if (!flushed) this.log.warn('container output still flowing 2 s after exit; reporting without waiting for it');
    let oom = false;
    try {
      oom = (await container.inspect()).State.OOMKilled;
    } catch {
      // Reported by exit code alone.
    }
    // The container is removed before the terminal update: once that is acknowledged the executor exits.
    if (this.healthFailure) {
      await this.removeContainer(true);
      this.finish('TASK_FAILED', this.healthFailure, { healthy: false, reason: 'REASON_TASK_HEALTH_CHECK_STATUS_UPDATED' });
    } else if (this.killRequested) {
      await this.removeContainer(false);
      this.finish('TASK_KILLED', `container stopped (exit code ${code})`);
    } else if (code === 0) {
      await this.removeContainer(false);
      this.finish('TASK_FINISHED', 'container exited with code 0');
    } else {
      const tail = this.tail.text();
      await this.removeContainer(true);
      const why = oom ? 'container ran out of memory' : `container exited with code ${code}`;
      this.finish('TASK_FAILED', tail ? `${why}; last output: ${tail}` : why, { reason: oom ? 'REASON_CONTAINER_LIMITATION_MEMORY' : 'REASON_COMMAND_EXECUTOR_FAILED' });
    }
  }

  private async removeContainer(failed: boolean): Promise<void> {
    const container = this.container;
    if (!container) return;
    if (failed && this.deps.settings.keepFailedContainers) {
      this.log.info({ id: container.id }, 'keeping the failed container (EXECUTOR_KEEP_FAILED_CONTAINERS)');
      return;
    }
    try {
      await container.remove({ force: true });
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ cause: (err as Error).message }, 'cannot remove container');
    }
  }

  killGraceMs(fromKill: number | undefined): number {
    const policy = this.task.kill_policy?.grace_period?.nanoseconds;
    if (fromKill !== undefined) return fromKill;
    if (policy !== undefined) return Number(policy) / 1e6;
    return this.deps.settings.killTaskTimeoutMs;
  }

  /**
   * SIGTERM, then SIGKILL after the grace period; the exit watcher reports the end. With
   * `drainMs`, TASK_KILLING (discovery marks the endpoint DRAINING) comes that long before
   * SIGTERM, as sidecar-executor drained in Sidecar; a container that exits meanwhile ends it.
   */
  async kill(graceMs: number, reportKilling = true, drainMs = 0): Promise<void> {
    if (this.phase === 'done' || (this.phase === 'killing' && reportKilling)) return this.done;
    this.killRequested = reportKilling || this.killRequested;
    if (this.phase === 'launching') return this.done;
    this.phase = 'killing';
    this.checker?.stop();
    if (reportKilling && this.deps.killingState) this.deps.report({ state: 'TASK_KILLING' });
    if (drainMs > 0) {
      this.log.info({ drainMs }, 'draining before SIGTERM');
      await Promise.race([this.done, new Promise((r) => setTimeout(r, drainMs).unref())]);
    }
    await this.stopContainer(graceMs);
    return this.done;
  }

  private async stopContainer(graceMs: number): Promise<void> {
    const container = this.container;
    if (!container) return;
    const signal = async (s: string) => {
      try {
        await container.kill({ signal: s });
      } catch (err) {
        // 409: the container is already gone.
        if ((err as { statusCode?: number }).statusCode !== 409 && !isNotFound(err)) throw err;
      }
    };
    await signal('SIGTERM');
    const exited = container.wait({ condition: 'not-running' }).then(() => true, () => true);
    const timedOut = new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref());
    if (!(await Promise.race([exited, timedOut]))) {
      this.log.info({ graceMs }, 'grace period over; sending SIGKILL');
      await signal('SIGKILL');
    }
  }
}
