/**
 * node-vault's `request-promise` option, served by node:http/https. node-vault calls its
 * transport with `{ method, uri, headers, json, timeout }` and expects `{ statusCode, body,
 * request: { path } }`; everything Vault-specific (paths, tokens, errors) stays node-vault's.
 * Its default transport, axios, costs about 3 MB of RSS for the few JSON calls a launch makes,
 * which would take a task with secrets over the executor's 60 MB budget.
 */
import http from 'node:http';
import https from 'node:https';

interface TransportOptions {
  method: string;
  uri: string;
  headers?: Record<string, string>;
  /** node-vault's request body (an object), or `true` from its defaults. */
  json?: unknown;
  timeout?: number;
  strictSSL?: boolean;
}

export interface TransportResponse {
  statusCode: number;
  body: unknown;
  request: { path: string };
}

/** Vault's standbys may answer 307 with the active node's address; axios followed those too. */
const MAX_REDIRECTS = 3;

function send(options: TransportOptions, redirects = 0): Promise<TransportResponse> {
  const url = new URL(options.uri);
  const body = typeof options.json === 'object' && options.json !== null ? Buffer.from(JSON.stringify(options.json)) : undefined;
  const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', ...options.headers };
  if (body) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = body.length;
  }
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method, headers, rejectUnauthorized: options.strictSSL !== false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if ((status === 307 || status === 308) && res.headers.location && redirects < MAX_REDIRECTS) {
          resolve(send({ ...options, uri: new URL(res.headers.location, url).toString() }, redirects + 1));
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // Not JSON (a proxy's error page): node-vault reports the status code instead.
        }
        resolve({ statusCode: status, body: parsed, request: { path: url.pathname } });
      });
    });
    if (options.timeout) {
      req.setTimeout(options.timeout, () => req.destroy(Object.assign(new Error(`timed out after ${options.timeout} ms`), { code: 'ETIMEDOUT' })));
    }
    req.on('error', reject);
    req.end(body);
  });
}

/** The object node-vault takes as `request-promise`: `defaults(d)` returns the request function. */
export const vaultTransport = {
  defaults: (defaults: Partial<TransportOptions>) => (options: TransportOptions) => send({ ...defaults, ...options }),
};
