/**
 * The Singularity contract harness: one table of calls made the way Singularity's Java client
 * (SingularityClient) makes them, checked against the in-process API.
 *
 * Row format (`ContractRow`); each file in `rows/` exports `rows: ContractRow[]` and is picked
 * up by `rows/index.ts` without being listed, so each area keeps its own file:
 *
 *   {
 *     endpoint: 'DELETE /api/tasks/task/{taskId}',  // exactly as in test/fixtures/singularity-endpoints.tsv
 *     name: 'kill with a SingularityKillTaskRequest', // optional, for the test name
 *     params: async (c) => ({ taskId: await c.activeTaskId() }), // values for the {path params}
 *     query: { path: 'stdout' },                     // optional query string
 *     body: { message: 'x' } | ((p) => ({ ... })),   // optional JSON body, Singularity's field names
 *     status: 200,                                   // the status the Java client expects
 *     shape: 'SingularityTaskCleanup',               // a key list of contract/ SHAPE_KEYS, or
 *                                                    // { list: 'SingularityTask' }, or a zod schema,
 *                                                    // or 'empty' (no body: HEAD, 204)
 *     check: (res, p) => { ... },                    // optional further expectations
 *     partial: 'grep is ignored',                    // optional: served only in part, and why;
 *                                                    // docs/api.md's "Partly served" table lists it
 *     after: (c) => c.h.sim.start(),                 // optional: runs once the row is checked, pass
 *   }                                                // or fail (undoes what `params` held still)
 *
 * An endpoint with `java_client = yes` in the fixture needs at least one row, or a line in
 * docs/api.md's "Not served" table saying why; `singularity-contract.test.ts` fails otherwise,
 * and `coverage-docs.test.ts` checks the docs' served / partly served tables and counts.
 * Rows run in file order against one shared harness, so a row that changes state (delete,
 * kill) makes its own request or task through the context.
 */
import type * as z from 'zod';
import { SHAPE_KEYS } from '../../contract';
import type { Harness } from '../support/api-harness';

export type ShapeName = keyof typeof SHAPE_KEYS;
export type Shape = ShapeName | { list: ShapeName } | z.ZodType | 'empty';

export interface ContractResponse { status: number; json: unknown; text: string; headers: Headers }

export interface ContractContext {
  h: Harness;
  call(method: string, path: string, body?: unknown): Promise<ContractResponse>;
  /** A SERVICE request with a SUCCEEDED deploy `v1` and `instances` healthy tasks, made once per id. */
  request(id: string, instances?: number): Promise<string>;
  /** An ON_DEMAND request with an active deploy, made once per id. */
  onDemandRequest(id: string): Promise<string>;
  /** A request (made once per id) with deploy `v2` pending: it never gets healthy and advances by hand. */
  pendingDeploy(id: string): Promise<{ requestId: string; deployId: string }>;
  /** A running task of `request(requestId)`; give rows that kill a request of their own. */
  activeTaskId(requestId: string): Promise<string>;
  /** An ended task of `request(requestId)` (one is killed for it once). */
  endedTaskId(requestId: string): Promise<string>;
  /** An ON_DEMAND request (made once per id) whose run `runId` has a running task. */
  runningRun(requestId: string, runId: string): Promise<{ requestId: string; runId: string; taskId: string }>;
  /** An ON_DEMAND request (made once per id) whose run `runId` stays queued: no offer fits it. */
  queuedRun(requestId: string, runId: string): Promise<{ requestId: string; runId: string }>;
  /** A SERVICE request (made once per id) whose tasks keep crashing until it is in SYSTEM_COOLDOWN. */
  cooldownRequest(id: string): Promise<{ requestId: string; deployId: string }>;
  /** Serves the agents' `/state`, `/files/read` and `/files/browse` for every task, as a Mesos agent would. */
  fakeAgent(): Promise<void>;
  /**
   * Executors that answer statistics asks (each running task uses 0.05 cpus and 16 MiB, of the harness
   * deploys' 0.1 cpus and 32 MiB), and two usage polls over them.
   */
  measuredUsage(): Promise<void>;
}

export interface ContractRow {
  endpoint: string;
  name?: string;
  params?: (c: ContractContext) => Promise<Record<string, string>>;
  /** Pairs when a parameter repeats (`state=ACTIVE&state=PAUSED`). */
  query?: Record<string, string> | [string, string][];
  body?: Record<string, unknown> | unknown[] | string | ((params: Record<string, string>) => unknown);
  status: number;
  shape: Shape;
  check?: (res: ContractResponse, params: Record<string, string>) => void;
  partial?: string;
  after?: (c: ContractContext) => void | Promise<void>;
}

const isKeyed = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The keys of `shape` missing from `value` (`[]` when it fits), named by path. */
export function missingKeys(shape: Shape, value: unknown, text: string): string[] {
  if (shape === 'empty') return text === '' ? [] : ['(body should be empty)'];
  if (typeof shape === 'string') {
    if (!isKeyed(value)) return [`(not an object: ${shape})`];
    return SHAPE_KEYS[shape].filter((k) => !(k in value));
  }
  if ('list' in shape && typeof shape.list === 'string') {
    if (!Array.isArray(value)) return [`(not a list of ${shape.list})`];
    return value.flatMap((item, i) => missingKeys(shape.list, item, 'x').map((k) => `[${i}].${k}`));
  }
  const parsed = (shape as z.ZodType).safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

/** `/api/requests/request/{requestId}` with its params filled in. */
export function fillPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(value);
  });
}
