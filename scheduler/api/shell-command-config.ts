/**
 * The shell-command allow-list (`--shell-commands-file`, JSON or YAML): the only commands an API
 * caller can run inside a task's container, each a fixed argv plus named options that append
 * fixed arguments. Callers never supply argv text, so nothing they send reaches a shell or
 * becomes an argument Griddle's operators did not write down.
 *
 *   lsof:
 *     command: [lsof, -P]
 *     options: { no-dns: [-n], all: -a }   # or a list: [-n, -a] (each option its own argument)
 */
import fs from 'node:fs';
import { parse } from 'yaml';
import * as z from 'zod';
import type { SingularityShellCommand } from '../../contract';

export interface ShellCommandDefinition {
  command: string[];
  /** Option name → the arguments it appends. */
  options: ReadonlyMap<string, string[]>;
  description?: string;
}

export type ShellCommandAllowList = ReadonlyMap<string, ShellCommandDefinition>;

/** A refused command or option; the API answers 400 with the message. */
export class ShellCommandError extends Error {}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const arg = z.string().min(1).max(4096);
const definitionSchema = z.object({
  command: z.array(arg).min(1),
  options: z.union([z.array(arg), z.record(z.string().regex(NAME), z.union([arg, z.array(arg)]))]).optional(),
  description: z.string().optional(),
}).strict();
const fileSchema = z.record(z.string().regex(NAME, 'command names are letters, digits, _ . -'), definitionSchema);

/** Parses the allow-list text (YAML, which JSON also is); throws naming the source and the bad field. */
export function parseShellCommands(text: string, source: string): ShellCommandAllowList {
  let raw: unknown;
  try {
    raw = parse(text) ?? {};
  } catch (err) {
    throw new Error(`${source}: not JSON or YAML: ${(err as Error).message}`, { cause: err });
  }
  const result = fileSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`${source}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const list = new Map<string, ShellCommandDefinition>();
  for (const [name, d] of Object.entries(result.data)) {
    const options = new Map<string, string[]>();
    if (Array.isArray(d.options)) for (const o of d.options) options.set(o, [o]);
    else for (const [o, value] of Object.entries(d.options ?? {})) options.set(o, typeof value === 'string' ? [value] : value);
    list.set(name, { command: d.command, options, ...(d.description !== undefined ? { description: d.description } : {}) });
  }
  return list;
}

export function loadShellCommandsFile(file: string): ShellCommandAllowList {
  return parseShellCommands(fs.readFileSync(file, 'utf8'), file);
}

/** The argv a request runs: the command's own, then each chosen option's arguments in the order asked. */
export function buildArgv(list: ShellCommandAllowList, request: SingularityShellCommand): string[] {
  const definition = list.get(request.name);
  if (!definition) {
    const known = [...list.keys()].sort();
    throw new ShellCommandError(`shell command '${request.name}' is not allowed (allowed: ${known.length ? known.join(', ') : 'none configured'})`);
  }
  const argv = [...definition.command];
  for (const option of request.options ?? []) {
    const args = definition.options.get(option);
    if (!args) {
      const known = [...definition.options.keys()];
      throw new ShellCommandError(`option '${option}' is not allowed for shell command '${request.name}' (allowed: ${known.length ? known.join(', ') : 'none'})`);
    }
    argv.push(...args);
  }
  return argv;
}

const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/**
 * Where the output goes in the sandbox: the caller's `logfileName` when it is a plain file name
 * (the executor writes it, so no directories and no leading dot), else `<name>-<timestamp>.log`.
 */
export function outputFilename(request: SingularityShellCommand, timestamp: number): string {
  if (request.logfileName === undefined) return `${request.name}-${timestamp}.log`;
  if (!FILE_NAME.test(request.logfileName) || request.logfileName.includes('..')) {
    throw new ShellCommandError(`logfileName '${request.logfileName}' must be a plain file name (letters, digits, _ . -; no directories)`);
  }
  return request.logfileName;
}
