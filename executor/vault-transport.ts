/**
 * node-vault's `request-promise` option, served by node:http/https. node-vault calls its
 * transport with `{ method, uri, headers, json, timeout }` and expects `{ statusCode, body,
 * request: { path } }`; everything Vault-specific (paths, tokens, errors) stays node-vault's.
 * Its default transport, axios, costs about 3 MB of RSS for the few JSON calls a launch makes,
 * which would take a task with secrets over the executor's 60 MB budget.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { VaultTlsSettings } from './config';

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

/** What https.request takes from the Vault CLI's TLS variables; files are read once, at launch. */
export interface TlsFiles {
  ca?: Buffer[];
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

/**
 * VAULT_CACERT (a PEM file), VAULT_CAPATH (a directory of PEM files), VAULT_CLIENT_CERT and
 * VAULT_CLIENT_KEY (mutual TLS), VAULT_SKIP_VERIFY. A CA given here replaces Node's bundled
 * ones, as it does for the Vault CLI.
 */
export function readTlsFiles(tls: VaultTlsSettings): TlsFiles {
  const read = (name: string, file: string) => {
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw new Error(`${name} ${file}: ${(err as NodeJS.ErrnoException).code ?? 'cannot be read'}`, { cause: err });
    }
  };
  const ca: Buffer[] = [];
  if (tls.caCert) ca.push(read('VAULT_CACERT', tls.caCert));
  if (tls.caPath) {
    let names: string[];
    try {
      names = fs.readdirSync(tls.caPath);
    } catch (err) {
      throw new Error(`VAULT_CAPATH ${tls.caPath}: ${(err as NodeJS.ErrnoException).code ?? 'cannot be read'}`, { cause: err });
    }
    for (const name of names.filter((n) => /\.(pem|crt)$/.test(n)).sort()) ca.push(read('VAULT_CAPATH', path.join(tls.caPath, name)));
  }
  if (Boolean(tls.clientCert) !== Boolean(tls.clientKey)) throw new Error('VAULT_CLIENT_CERT and VAULT_CLIENT_KEY go together');
  return {
    ...(ca.length ? { ca } : {}),
    ...(tls.clientCert ? { cert: read('VAULT_CLIENT_CERT', tls.clientCert) } : {}),
    ...(tls.clientKey ? { key: read('VAULT_CLIENT_KEY', tls.clientKey) } : {}),
    rejectUnauthorized: !tls.skipVerify,
  };
}

function send(options: TransportOptions, redirects = 0, tls?: TlsFiles): Promise<TransportResponse> {
  const url = new URL(options.uri);
  const body = typeof options.json === 'object' && options.json !== null ? Buffer.from(JSON.stringify(options.json)) : undefined;
  const headers: http.OutgoingHttpHeaders = { Accept: 'application/json', ...options.headers };
  if (body) {
    headers['Content-Type'] ??= 'application/json';
    headers['Content-Length'] = body.length;
  }
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const secure = tls ?? { rejectUnauthorized: options.strictSSL !== false };
    const req = request(url, { method: options.method, headers, ...secure }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if ((status === 307 || status === 308) && res.headers.location && redirects < MAX_REDIRECTS) {
          resolve(send({ ...options, uri: new URL(res.headers.location, url).toString() }, redirects + 1, tls));
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
export function vaultTransportWith(tls?: TlsFiles) {
  return {
    defaults: (defaults: Partial<TransportOptions>) => (options: TransportOptions) => send({ ...defaults, ...options }, 0, tls),
  };
}

export const vaultTransport = vaultTransportWith();
