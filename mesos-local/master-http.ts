/**
 * The master's HTTP adapter: POST /api/v1/scheduler with the checks in the order Mesos makes
 * them (src/master/http.cpp: leader → method → Content-Type → body → call validation →
 * Accept → stream id), the operator endpoints (/master/state, /state, /redirect, /health),
 * and a hook for mesos-local's own admin paths.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../common';
import { isValidUuidBase64, type MasterInfo, type SchedulerCall } from '../mesos-proto';
import { decodeCall, EventStream, HttpError, negotiateAccept, readBody, refuseUnlessPost, reply, replyError, replyJson } from './http-call';
import type { Master } from './master';
import type { FrameworkConnection } from './master-model';
import { masterStateJson } from './state-json';

export interface Leadership {
  isLeader(): boolean;
  /** The leading master, when one is known. */
  leader(): MasterInfo | null;
}

export const ALWAYS_LEADER: Leadership = { isLeader: () => true, leader: () => null };

export type ExtraRoute = (req: http.IncomingMessage, res: http.ServerResponse, path: string) => Promise<boolean> | boolean;

export interface MasterHttpOptions {
  leadership: Leadership;
  extra?: ExtraRoute;
  flags?: Record<string, string>;
  log: Logger;
}

const SCHEDULER_PATHS = new Set(['/api/v1/scheduler', '/master/api/v1/scheduler']);
const STATE_PATHS = new Set(['/master/state', '/state', '/master/state.json', '/state.json']);

export function masterRequestHandler(master: Master, options: MasterHttpOptions): http.RequestListener {
  return (req, res) => {
    handle(master, options, req, res).catch((err: unknown) => {
      options.log.error({ err, path: req.url }, 'master request failed');
      replyError(res, err);
    });
  };
}

async function handle(master: Master, options: MasterHttpOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (options.extra && (await options.extra(req, res, path))) return;
  if (path === '/health' || path === '/master/health') return reply(res, 200);
  const leader = options.leadership.isLeader();
  if (path === '/redirect' || path === '/master/redirect') {
    const info = leader ? master.masterInfo() : options.leadership.leader();
    if (!info) return reply(res, 503, 'No leader elected');
    return reply(res, 307, '', { Location: `//${info.hostname}:${info.port}` });
  }
  if (SCHEDULER_PATHS.has(path)) {
    if (!leader) return redirect(options.leadership, req, res, path);
    return scheduler(master, options, req, res);
  }
  if (path === '/metrics/snapshot') {
    // Served by every master, leading or not, as Mesos does (`master/elected` tells them apart).
    return replyJson(res, { ...master.metricsSnapshot(), 'master/elected': leader ? 1 : 0 });
  }
  if (STATE_PATHS.has(path)) {
    if (!leader) return redirect(options.leadership, req, res, path);
    return replyJson(res, masterStateJson(master, { flags: options.flags ?? {}, leader: master.masterInfo() }));
  }
  return reply(res, 404);
}

function redirect(leadership: Leadership, req: http.IncomingMessage, res: http.ServerResponse, path: string): void {
  const info = leadership.leader();
  if (!info) return reply(res, 503, 'No leader elected');
  req.resume();
  // Protocol-relative, as Mesos sends it (the client keeps its own scheme).
  reply(res, 307, '', { Location: `//${info.hostname ?? info.address?.ip}:${info.port}${path}` });
}

async function scheduler(master: Master, options: MasterHttpOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (refuseUnlessPost(req, res)) return;
  const body = await readBody(req);
  try {
    const { call } = decodeCall(req, body, 'mesos.v1.scheduler.Call');
    const invalid = validateCall(call);
    if (invalid) throw new HttpError(400, `Failed to validate scheduler::Call: ${invalid}`);
    if (call.type === 'SUBSCRIBE') return subscribe(master, options, req, res, call);
    const framework = master.getFramework(call.framework_id!.value);
    if (!framework) throw new HttpError(400, 'Framework cannot be found');
    if (!framework.connection) throw new HttpError(403, 'Framework is not subscribed');
    const streamId = req.headers['mesos-stream-id'];
    if (streamId === undefined) throw new HttpError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
    if (streamId !== framework.connection.streamId) {
      throw new HttpError(400, `The stream ID '${String(streamId)}' included in this request didn't match the stream ID currently associated with framework ID ${framework.id}`);
    }
    if (call.type === 'UNKNOWN') return reply(res, 501);
    if (call.type === 'UPDATE_FRAMEWORK') {
      // The one synchronous call: 200 once applied, 400 when the update is not allowed.
      const error = master.updateFramework(framework, call.update_framework!);
      return error ? reply(res, 400, error) : reply(res, 200);
    }
    master.handleCall(framework, call);
    reply(res, 202);
  } catch (err) {
    if (!(err instanceof HttpError)) options.log.error({ err }, 'scheduler call failed');
    replyError(res, err);
  }
}

/** Mesos's validation::scheduler::call::validate, for the calls we decode. */
export function validateCall(call: SchedulerCall): string | null {
  if (call.type === undefined) return "Expecting 'type' to be present";
  if (call.type === 'SUBSCRIBE') {
    if (!call.subscribe) return "Expecting 'subscribe' to be present";
    if (call.subscribe.framework_info.id?.value !== call.framework_id?.value) return "'framework_id' differs from 'subscribe.framework_info.id'";
    return null;
  }
  if (!call.framework_id) return "Expecting 'framework_id' to be present";
  const required: Partial<Record<NonNullable<SchedulerCall['type']>, keyof SchedulerCall>> = {
    ACCEPT: 'accept', DECLINE: 'decline', KILL: 'kill', SHUTDOWN: 'shutdown', ACKNOWLEDGE: 'acknowledge',
    RECONCILE: 'reconcile', MESSAGE: 'message', ACCEPT_INVERSE_OFFERS: 'accept_inverse_offers',
    DECLINE_INVERSE_OFFERS: 'decline_inverse_offers', REQUEST: 'request', UPDATE_FRAMEWORK: 'update_framework',
  };
  const field = required[call.type];
  if (field && call[field] === undefined) return `Expecting '${field}' to be present`;
  if (call.type === 'UPDATE_FRAMEWORK' && call.update_framework!.framework_info.id?.value !== call.framework_id.value) {
    return "'framework_id' differs from 'update_framework.framework_info.id'";
  }
  if (call.type === 'ACKNOWLEDGE' && !isValidUuidBase64(call.acknowledge!.uuid)) {
    return 'Not a valid UUID: the acknowledgement uuid must be 16 bytes of an RFC 4122 UUID';
  }
  return null;
}

function subscribe(master: Master, options: MasterHttpOptions, req: http.IncomingMessage, res: http.ServerResponse, call: SchedulerCall): void {
  const contentType = negotiateAccept(req);
  if (req.headers['mesos-stream-id'] !== undefined) throw new HttpError(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
  const streamId = randomUUID();
  const stream = new EventStream(res, 'mesos.v1.scheduler.Event', contentType, { 'Mesos-Stream-Id': streamId });
  let frameworkId: string | undefined;
  const connection: FrameworkConnection = {
    streamId,
    send: (event) => {
      if (event.type === 'SUBSCRIBED') frameworkId = event.subscribed!.framework_id.value;
      stream.send(event);
    },
    close: () => stream.close(),
  };
  stream.onClose(() => {
    if (frameworkId !== undefined) master.disconnected(frameworkId, connection);
  });
  options.log.debug({ streamId }, 'scheduler stream opened');
  master.subscribe(call.subscribe!, connection);
}
