import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ZkSession } from '../../../scheduler/state';
import { freePort, waitForPort } from '../../support/kit';

/**
 * A ZooKeeper server of this test's own on an ephemeral port, so the test may stop and
 * restart it without disturbing the shared one on 2181. Restarts keep the data directory
 * (sessions and znodes survive, as with a real restart).
 */
export class PrivateZooKeeper {
  private child: ChildProcess | null = null;
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-zk-'));

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateZooKeeper> {
    const zk = new PrivateZooKeeper(await freePort());
    await zk.startServer();
    return zk;
  }

  get hosts(): string {
    return `127.0.0.1:${this.port}`;
  }

  async startServer(): Promise<void> {
    this.child = spawn('java', [
      '-Dzookeeper.admin.enableServer=false', '-Xmx128m',
      '-cp', '/etc/zookeeper/conf:/usr/share/java/zookeeper.jar',
      'org.apache.zookeeper.server.ZooKeeperServerMain', String(this.port), this.dataDir, '500',
    ], { stdio: 'ignore' });
    await waitForPort(this.port, 60_000);
    // An open port is not yet a serving ZooKeeper: wait for a session to be granted.
    for (let attempt = 0; ; attempt++) {
      try {
        (await ZkSession.connect(this.hosts, { connectTimeoutMs: 5000 })).close();
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
      }
    }
  }

  async stopServer(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server (SIGSTOP): connections stay open and nothing is answered, as in a long GC pause. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async restart(downMs: number): Promise<void> {
    await this.stopServer();
    await new Promise((r) => setTimeout(r, downMs));
    await this.startServer();
  }

  async destroy(): Promise<void> {
    await this.stopServer();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
