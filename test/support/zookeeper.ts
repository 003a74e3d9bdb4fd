/** ZooKeeper roots for tests that share the machine's ZooKeeper (127.0.0.1:2181, or GRIDDLE_TEST_ZK). */
import { randomBytes } from 'node:crypto';
import type { ZkSession } from '../../scheduler/state';

export const ZK_HOSTS = process.env.GRIDDLE_TEST_ZK ?? '127.0.0.1:2181';

/** A root no other test (or helper) uses. */
export function uniqueRoot(name: string): string {
  return `/griddle-test-${name}-${randomBytes(4).toString('hex')}`;
}

/** Deletes a subtree. */
export async function removeTree(session: ZkSession, path: string): Promise<void> {
  await session.removeTree(path);
}
