import { styleText } from 'node:util';
import type { DiffStyle } from './json-diff';

export interface CliStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

type Color = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * What a command prints. Human lines go to stdout; with `--json` only the final JSON document
 * does. The live progress line goes to stderr: redrawn in place with a spinner on a terminal,
 * and on anything else (CI logs, pipes) printed as plain lines only when the status changes.
 */
export class Terminal {
  readonly json: boolean;
  readonly interactive: boolean;
  private progressShown = false;
  private lastStatus = '';
  private frame = 0;
  private readonly noColor: boolean;
  /**
   * Where `document` goes instead of stdout while set: an after_deploy chain gathers each
   * release's document into the one document of its run.
   */
  documentSink?: (value: unknown) => void;

  constructor(private readonly streams: CliStreams, options: { json: boolean; env?: NodeJS.ProcessEnv }) {
    this.json = options.json;
    const env = options.env ?? process.env;
    this.noColor = Boolean(env.NO_COLOR);
    this.interactive = !options.json && streams.stderr.isTTY === true && env.TERM !== 'dumb' && !this.noColor;
  }

  color(c: Color, text: string): string {
    return this.interactive || (this.streams.stdout.isTTY === true && !this.json && !this.noColor) ? styleText(c, text) : text;
  }

  get diffStyle(): DiffStyle {
    return { added: (s) => this.color('green', s), removed: (s) => this.color('red', s), changed: (s) => this.color('yellow', s) };
  }

  /** A line for people (suppressed under --json). */
  line(text = ''): void {
    if (this.json) return;
    this.clearProgress();
    this.streams.stdout.write(`${text}\n`);
  }

  /** Text as it is (log output), for people. */
  raw(text: string): void {
    if (this.json) return;
    this.clearProgress();
    this.streams.stdout.write(text);
  }

  /** A warning or error for people; under --json it still goes to stderr. */
  warn(text: string): void {
    this.clearProgress();
    this.streams.stderr.write(`${text}\n`);
  }

  /** The one machine-readable document of a --json run. */
  document(value: unknown): void {
    if (this.documentSink) this.documentSink(value);
    else if (this.json) this.streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** A machine-readable line of a --json stream (status --watch, logs --follow). */
  jsonLine(value: unknown): void {
    if (this.json) this.streams.stdout.write(`${JSON.stringify(value)}\n`);
  }

  /** `status` is what changed (step, healthy/total); `elapsed` is shown but is not a change. */
  progress(status: string, elapsed: string): void {
    if (this.json) return;
    if (this.interactive) {
      this.frame = (this.frame + 1) % FRAMES.length;
      this.streams.stderr.write(`\r\x1b[2K${styleText('cyan', FRAMES[this.frame])} ${status} ${styleText('dim', elapsed)}`);
      this.progressShown = true;
    } else if (status !== this.lastStatus) {
      this.streams.stderr.write(`${status} (${elapsed})\n`);
    }
    this.lastStatus = status;
  }

  clearProgress(): void {
    if (this.progressShown) {
      this.streams.stderr.write('\r\x1b[2K');
      this.progressShown = false;
    }
  }
}
