import * as z from 'zod';

/**
 * Id grammars. Every id that arrives over HTTP is checked against these before it is used as a
 * map key, becomes part of a znode path or reaches a log line, so a hostile id can neither
 * traverse the state tree nor forge log fields. Request and deploy ids follow Singularity's
 * validator (request `[a-zA-Z0-9_-]`, at most 100; deploy `[a-zA-Z0-9_.]`, at most 50: a tag such
 * as `1.2.3` is a valid deploy id); task ids are what the core builds
 * (`requestId-deployId-startedAt-instanceNo-host-rackId`, or the legacy 5-part form).
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
// Not dots alone: `.` and `..` in a URL path are resolved away by clients and proxies.
export const DEPLOY_ID_PATTERN = /^(?!\.+$)[A-Za-z0-9_.]{1,50}$/;
export const TASK_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,400}$/;

export const requestIdSchema = z
  .string()
  .regex(REQUEST_ID_PATTERN, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"');
export const deployIdSchema = z
  .string()
  .regex(DEPLOY_ID_PATTERN, 'must be 1-50 characters of A-Z, a-z, 0-9, "_" and "." (not dots alone)');
export const taskIdSchema = z
  .string()
  .regex(TASK_ID_PATTERN, 'must be 1-400 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"');

export const isRequestId = (s: string): boolean => REQUEST_ID_PATTERN.test(s);
export const isDeployId = (s: string): boolean => DEPLOY_ID_PATTERN.test(s);
export const isTaskId = (s: string): boolean => TASK_ID_PATTERN.test(s);
