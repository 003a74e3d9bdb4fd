/**
 * The few things the executor needs from Docker beyond dockerode's own calls: loading
 * dockerode lean, pulling with retries only when needed, and exec.
 */
import path from 'node:path';
import type Docker from 'dockerode';
import type { Logger } from '../common';
import { refuseModule } from './module-stubs';
import type { RegistryAuth } from './registry-auth';

// docker-modem's ssh transport loads ssh2 (about 13 MB of RSS) for `ssh://` Docker hosts, and
// dockerode's BuildKit session loads @grpc/grpc-js for `docker build`: neither is used here.
let docker: Docker | null = null;
export function connectDocker(): Docker {
  if (!docker) {
    refuseModule(path.join(path.dirname(require.resolve('docker-modem')), 'ssh.js'), 'ssh:// DOCKER_HOST; use the local socket or tcp://');
    refuseModule(path.join(path.dirname(require.resolve('dockerode')), 'session.js'), 'image builds');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const DockerCtor = require('dockerode') as typeof Docker;
    docker = new DockerCtor();
  }
  return docker;
}

export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/** Docker's answer to a removal that someone else (an orphan sweep) did first (404) or is doing (409). */
export function isRemovalRace(err: unknown): boolean {
  return isNotFound(err) || (err as { statusCode?: number }).statusCode === 409;
}

/**
 * Removes a container, force, and returns once it is gone, even when an orphan sweep is already
 * removing it: its name can only be reused after that.
 */
export async function removeAndWait(engine: Docker, id: string, timeoutMs = 10_000): Promise<void> {
  try {
    await engine.getContainer(id).remove({ force: true });
    return;
  } catch (err) {
    if (!isRemovalRace(err)) throw err;
  }
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    try {
      await engine.getContainer(id).inspect();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
  throw new Error(`container ${id} is still being removed after ${timeoutMs} ms`);
}

export async function imagePresent(engine: Docker, image: string): Promise<boolean> {
  try {
    await engine.getImage(image).inspect();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export class PullError extends Error {}

/** Pulls unless the image is present (or `force`), retrying; throws a PullError naming the image. */
export async function ensureImage(
  engine: Docker,
  image: string,
  opts: { force: boolean; attempts: number; retryDelayMs: number; log: Logger; auth?: () => Promise<RegistryAuth | undefined> },
): Promise<'present' | 'pulled'> {
  if (!opts.force && (await imagePresent(engine, image))) return 'present';
  // Credentials are looked up only for a pull: a local image needs no Docker config or helper.
  const auth = await opts.auth?.();
  let last = '';
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    try {
      const stream = await engine.pull(image, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) => {
        engine.modem.followProgress(stream, (err: Error | null, output: { error?: string }[]) => {
          const failed = err?.message ?? output?.find((o) => o.error)?.error;
          if (failed) reject(new Error(failed));
          else resolve();
        });
      });
      opts.log.info({ image, attempt }, 'pulled image');
      return 'pulled';
    } catch (err) {
      last = (err as Error).message.split('\n')[0];
      opts.log.warn({ image, attempt, attempts: opts.attempts, cause: last }, 'image pull failed');
      if (attempt < opts.attempts) await new Promise((r) => setTimeout(r, opts.retryDelayMs * attempt));
    }
  }
  throw new PullError(`image ${image} is not present and could not be pulled after ${opts.attempts} attempts: ${last}`);
}

/** Runs a command in the container (`docker exec`); resolves with its exit code. */
export async function execInContainer(container: Docker.Container, cmd: string[], timeoutMs: number): Promise<number> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`command timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    stream.destroy();
  }
  const info = await exec.inspect();
  return info.ExitCode ?? -1;
}
