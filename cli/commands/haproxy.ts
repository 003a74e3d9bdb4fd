import { createLogger } from '../../common';
import { runHaproxy, type AppliedEvent, type RejectedEvent } from '../haproxy';
import type { Terminal } from '../output/terminal';
import { EXIT } from './context';

export interface HaproxyCommandOptions { config: string; follow: string; haproxyBin?: string; bindAddress?: string }

/**
 * `griddle haproxy`: keeps a local HAProxy in step with the discovery catalog until Ctrl-C,
 * then stops it. Every applied or rejected configuration is one line.
 */
export async function haproxy(term: Terminal, signal: AbortSignal, options: HaproxyCommandOptions, logTo: NodeJS.WritableStream): Promise<number> {
  const runner = runHaproxy({
    config: options.config,
    follow: options.follow,
    haproxyBin: options.haproxyBin,
    bindAddress: options.bindAddress,
    // HAProxy's own chatter and reconnects are log lines; on stderr they stay out of --json output.
    log: createLogger('griddle-haproxy', { destination: logTo }),
  });
  runner.on('applied', (e: AppliedEvent) => {
    term.line(`${e.reload ? 'reloaded' : 'started'} HAProxy (pid ${e.pid}) with ${options.config}`);
    term.jsonLine({ event: 'applied', pid: e.pid, reload: e.reload, config: options.config });
  });
  runner.on('rejected', (e: RejectedEvent) => {
    term.warn(term.color('red', `configuration rejected, the previous one stays: ${e.reason}`));
    term.jsonLine({ event: 'rejected', reason: e.reason });
  });
  term.line(`Following ${options.follow}; writing ${options.config} (Ctrl-C stops HAProxy)`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await runner.stop();
  return EXIT.ok;
}
