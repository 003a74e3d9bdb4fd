import * as z from 'zod';

/**
 * Id grammars. Every id that arrives over HTTP is checked against these before it is used as a
 * map key, becomes part of a znode path or reaches a log line, so a hostile id can neither
 * traverse the state tree nor forge log fields. Request and deploy ids follow Singularity's
 * validator; task ids are what the core builds (`requestId-deployId-startedAt-instanceNo-host`).
 */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;
export const DEPLOY_ID_PATTERN = /^[A-Za-z0-9_]{1,50}$/;
export const TASK_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,400}$/;

export const requestIdSchema = z
  .string()
  .regex(REQUEST_ID_PATTERN, 'must be 1-100 characters of A-Z, a-z, 0-9, "_" and "-"');
export const deployIdSchema = z
  .string()
  .regex(DEPLOY_ID_PATTERN, 'must be 1-50 characters of A-Z, a-z, 0-9 and "_"');
export const taskIdSchema = z
  .string()
  .regex(TASK_ID_PATTERN, 'must be 1-400 characters of A-Z, a-z, 0-9, "_", ".", ":" and "-"');

export const isRequestId = (s: string): boolean => REQUEST_ID_PATTERN.test(s);
export const isDeployId = (s: string): boolean => DEPLOY_ID_PATTERN.test(s);
export const isTaskId = (s: string): boolean => TASK_ID_PATTERN.test(s);
