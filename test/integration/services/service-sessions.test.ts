import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/**
 * Ctrl-C on `npm start` signals the terminal's whole process group. dockerd and ZooKeeper are
 * started by `scripts/ensure-services.sh` (the suite's global setup runs it too), and they must
 * live in sessions of their own, or the interrupt stops them and every container with them.
 */
function sessionOf(pid: number): number {
  // Field 6 of /proc/<pid>/stat is the session id; the command name (field 2) may hold spaces.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
}

function pidsOf(pattern: string): number[] {
  const out = execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
  return out.split('\n').filter(Boolean).map(Number);
}

describe('services started by ensure-services.sh', () => {
  const ours = sessionOf(process.pid);

  it.each([
    ['dockerd', '^dockerd'],
    ['ZooKeeper', 'org.apache.zookeeper.server.quorum.QuorumPeerMain'],
  ])('%s runs outside the session of the command that started it', (_name, pattern) => {
    const pids = pidsOf(pattern);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) expect(sessionOf(pid)).not.toBe(ours);
  });
});
