/**
 * What every chaos test file does around its rounds: one stack and one service for the file,
 * everything it started stopped and every container of its request removed afterwards, even
 * when a round failed.
 */
import { removeContainers } from './observe';
import { ChaosRounds, setUpService } from './scenario';
import { ChaosStack } from './stack';

export interface ChaosFile { stack: ChaosStack; rounds: ChaosRounds; requestId: string }

export function chaosFile(name: string): () => ChaosFile {
  let file: ChaosFile | null = null;
  const requestId = `chaos-${name}-${process.pid}`;
  beforeAll(async () => {
    const stack = await ChaosStack.start();
    file = { stack, rounds: new ChaosRounds(stack, requestId), requestId };
    await setUpService(stack, requestId);
  }, 420_000);
  afterAll(async () => {
    await file?.stack.stop();
    await removeContainers(requestId);
  }, 120_000);
  return () => {
    if (!file) throw new Error('the chaos stack did not start');
    return file;
  };
}

/** A round runs a deploy of 4 instances step by step plus a fault and the checks. */
export const ROUND_TIMEOUT_MS = 420_000;
