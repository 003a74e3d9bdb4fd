import type { NextFunction, Request, Response } from 'express';
import type * as z from 'zod';
import type { ApiErrorBody } from '../../contract';
import type { Logger } from '../../common';

/** An error with the HTTP status the client gets; the message is safe to show to the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: { field: string; message: string }[],
  ) {
    super(message);
  }
}

export const badRequest = (message: string, details?: { field: string; message: string }[]): HttpError =>
  new HttpError(400, message, details);
export const notFound = (message: string): HttpError => new HttpError(404, message);
export const conflict = (message: string): HttpError => new HttpError(409, message);

function fieldName(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(body)';
}

/** One line per issue, each naming the field: `deploy.resources.cpus: Too small: expected number to be >0`. */
export function zodToHttpError(error: z.ZodError, prefix = ''): HttpError {
  const details = error.issues.map((issue) => ({ field: fieldName(prefix, issue.path), message: issue.message }));
  return badRequest(details.map((d) => `${d.field}: ${d.message}`).join('; '), details);
}

/**
 * Jackson (Singularity) and upickle (Nmesos) both write an absent Option as `null`; treating a
 * null member as absent lets those clients through without making every field nullable.
 */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]),
    );
  }
  return value;
}

/** Parses a JSON body (or query object) with a schema, or throws a 400 naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): z.output<S> {
  const result = schema.safeParse(withoutNulls(input));
  if (!result.success) throw zodToHttpError(result.error, prefix);
  return result.data;
}

/**
 * The last handler of the API: HttpErrors and body-parser's 4xx answer with their message in
 * the contract's ApiErrorBody; anything else is logged and answers a bare 500.
 */
export function errorHandler(bodyLimit: string, log?: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    void next;
    if (err instanceof HttpError) {
      res.status(err.status).json({ message: err.message, errors: err.details } satisfies ApiErrorBody);
      return;
    }
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e.status ?? e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = e.type === 'entity.parse.failed' ? '(body): not valid JSON'
        : e.type === 'entity.too.large' ? `(body): larger than the ${bodyLimit} limit`
          : e.message ?? 'bad request';
      res.status(status).json({ message } satisfies ApiErrorBody);
      return;
    }
    log?.error({ err, method: req.method, path: req.path.slice(0, 200) }, 'API error');
    res.status(500).json({ message: 'internal error' } satisfies ApiErrorBody);
  };
}
