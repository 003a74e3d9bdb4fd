import pino from 'pino';

/**
 * Every Griddle binary logs JSON lines to stdout; on a terminal they are pretty-printed so an
 * operator can read them. GRIDDLE_LOG_LEVEL sets the level (default info).
 */
export function createLogger(name: string, options: { destination?: pino.DestinationStream } = {}): pino.Logger {
  const level = process.env.GRIDDLE_LOG_LEVEL ?? 'info';
  if (options.destination) return pino({ name, level }, options.destination);
  if (process.stdout.isTTY && !process.env.GRIDDLE_LOG_JSON) {
    return pino({ name, level, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino({ name, level });
}

export type Logger = pino.Logger;
