/**
 * What every chaos test file does around its rounds: one stack and one service for the file,
 * everything it started stopped and every container of its request removed afterwards, even
 * when a round failed.
 */
import type { FaultName } from './faults';
import { removeContainers } from './observe';
import { ChaosRounds, PASSING_VERDICT, setUpService, verdict } from './scenario';
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
const ROUND_TIMEOUT_MS = 420_000;

/** One test: a round with `fault` during a deploy or a rollback, every invariant must hold. */
export function faultRound(file: () => ChaosFile, title: string, fault: FaultName, kind: 'deploy' | 'rollback' = 'deploy'): void {
  it(title, async () => {
    expect(verdict(await file().rounds.round(fault, kind))).toEqual(PASSING_VERDICT);
  }, ROUND_TIMEOUT_MS);
}
