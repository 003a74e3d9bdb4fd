/**
 * A Vault-API double for tests, on an ephemeral port: KV v1 and v2 on separate mounts with the
 * `sys/internal/ui/mounts` information the Vault CLI (and griddle-executor) reads to tell them
 * apart, token lookup-self and renew-self, AppRole and userpass login, per-token path policies
 * (Vault-style globs) and a switch that makes it unavailable (503, as a sealed Vault answers).
 * Tokens expire as Vault's do: a renewal extends one to its TTL, capped at its max TTL, and an
 * expired or revoked token is refused (403).
 * Responses carry Vault's envelope (`request_id`, `lease_id`, `data`, `auth`, `errors`) so that
 * node-vault cannot tell it from Vault on these calls. With `tls` it serves https (and, with
 * `tls.ca`, requires a client certificate signed by it, as Vault's `tls_require_and_verify_client_cert`).
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

type Data = Record<string, unknown>;

/** TTLs in seconds; 0 means none (the root token never expires). */
export interface TokenOptions {
  ttl?: number;
  maxTtl?: number;
  renewable?: boolean;
}

interface TokenInfo {
  policies: string[];
  ttl: number;
  renewable: boolean;
  createdAt: number;
  /** ms since the epoch; null: never */
  expiresAt: number | null;
  maxExpiresAt: number | null;
}

interface Mount {
  path: string;
  version: 1 | 2;
  secrets: Map<string, Data>;
}

export interface VaultRequestRecord {
  method: string;
  path: string;
  token: string | undefined;
  status: number;
}

export interface VaultDevServer {
  addr: string;
  rootToken: string;
  requests: VaultRequestRecord[];
  renewals: number;
  /** Successful AppRole and userpass logins. */
  logins: number;
  mountKv(path: string, version: 1 | 2): void;
  /** Writes a secret at its CLI-style path (`secret/app` on a v2 mount, `kv/app` on a v1 mount). */
  putSecret(path: string, data: Data): void;
  /** `policies` are path globs (`secret/data/app/*`) the token may read. */
  createToken(policies: string[], opts?: TokenOptions): string;
  /** `token` options apply to the tokens its logins issue. */
  addAppRole(roleId: string, secretId: string, policies: string[], token?: TokenOptions): void;
  addUser(username: string, password: string, policies: string[], token?: TokenOptions): void;
  revokeToken(token: string): void;
  /** Whether Vault would still accept the token. */
  tokenValid(token: string): boolean;
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

function matches(glob: string, path: string): boolean {
  return glob.endsWith('*') ? path.startsWith(glob.slice(0, -1)) : path === glob;
}

export interface VaultTlsOptions {
  key: Buffer;
  cert: Buffer;
  /** When set, clients must present a certificate this CA signed. */
  ca?: Buffer;
}

export async function startVaultDevServer(opts: { tls?: VaultTlsOptions } = {}): Promise<VaultDevServer> {
  const tokens = new Map<string, TokenInfo>();
  const mounts = new Map<string, Mount>();
  const approles = new Map<string, { secretId: string; policies: string[]; token?: TokenOptions }>();
  const users = new Map<string, { password: string; policies: string[]; token?: TokenOptions }>();
  const rootToken = `hvs.root-${randomUUID()}`;
  tokens.set(rootToken, { policies: ['*'], ttl: 0, renewable: false, createdAt: Date.now(), expiresAt: null, maxExpiresAt: null });
  let available = true;

  const newToken = (policies: string[], opts: TokenOptions = {}): string => {
    const token = `hvs.${randomUUID().replace(/-/g, '')}`;
    const now = Date.now();
    const ttl = opts.ttl ?? 3600;
    const maxExpiresAt = opts.maxTtl ? now + opts.maxTtl * 1000 : null;
    const expiresAt = ttl ? Math.min(now + ttl * 1000, maxExpiresAt ?? Infinity) : null;
    tokens.set(token, { policies, ttl, renewable: opts.renewable ?? true, createdAt: now, expiresAt, maxExpiresAt });
    return token;
  };
  const liveToken = (token: string | undefined): TokenInfo | undefined => {
    const info = token ? tokens.get(token) : undefined;
    if (info?.expiresAt != null && info.expiresAt <= Date.now()) return undefined;
    return info;
  };
  /** Seconds left, as Vault reports a token's `ttl` and `lease_duration`. */
  const secondsLeft = (info: TokenInfo | undefined): number =>
    info?.expiresAt == null ? 0 : Math.max(0, Math.round((info.expiresAt - Date.now()) / 1000));
  const mountFor = (path: string): Mount | undefined =>
    [...mounts.values()].filter((m) => path.startsWith(m.path)).sort((a, b) => b.path.length - a.path.length)[0];

  const envelope = (fields: Data): Data => ({
    request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0,
    data: null, wrap_info: null, warnings: null, auth: null, ...fields,
  });
  const authBlock = (token: string) => {
    const info = tokens.get(token);
    return {
      client_token: token, accessor: randomUUID(), policies: info?.policies ?? [], token_policies: info?.policies ?? [],
      metadata: null, lease_duration: secondsLeft(info), renewable: info?.renewable ?? false, entity_id: '', token_type: 'service', orphan: true,
    };
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (raw += d));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://vault');
      const path = decodeURIComponent(url.pathname).replace(/^\/v1\//, '');
      const token = req.headers['x-vault-token'] as string | undefined;
      const send = (status: number, body?: Data) => {
        server.api.requests.push({ method: req.method ?? '', path, token, status });
        if (status === 204 || body === undefined) {
          res.writeHead(status).end();
          return;
        }
        const text = JSON.stringify(body);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
      };
      const denied = () => send(403, { errors: ['permission denied'] });
      if (!available) return send(503, { errors: ['Vault is sealed'] });
      let body: Data;
      try {
        body = raw ? (JSON.parse(raw) as Data) : {};
      } catch {
        return send(400, { errors: ['failed to parse JSON input'] });
      }

      if (req.method === 'POST' && path === `auth/approle/login`) {
        const role = approles.get(String(body.role_id));
        if (!role || role.secretId !== body.secret_id) return send(400, { errors: ['invalid role or secret ID'] });
        server.api.logins += 1;
        return send(200, envelope({ auth: authBlock(newToken(role.policies, role.token)) }));
      }
      const userLogin = /^auth\/userpass\/login\/(.+)$/.exec(path);
      if (req.method === 'POST' && userLogin) {
        const user = users.get(userLogin[1]);
        if (!user || user.password !== body.password) return send(400, { errors: ['invalid username or password'] });
        server.api.logins += 1;
        return send(200, envelope({ auth: authBlock(newToken(user.policies, user.token)) }));
      }

      const info = liveToken(token);
      if (!token || !info) return denied();
      const may = (p: string) => info.policies.some((g) => matches(g, p));

      if (req.method === 'GET' && path === 'auth/token/lookup-self') {
        return send(200, envelope({
          data: {
            id: token, accessor: 'accessor', policies: info.policies, ttl: secondsLeft(info), renewable: info.renewable,
            creation_time: Math.floor(info.createdAt / 1000), creation_ttl: info.ttl, display_name: 'token',
            explicit_max_ttl: info.maxExpiresAt === null ? 0 : Math.round((info.maxExpiresAt - info.createdAt) / 1000),
            expire_time: info.expiresAt === null ? null : new Date(info.expiresAt).toISOString(), num_uses: 0, orphan: true, path: 'auth/token/create', type: 'service', meta: null,
          },
        }));
      }
      if ((req.method === 'POST' || req.method === 'PUT') && path === 'auth/token/renew-self') {
        if (!info.renewable) return send(400, { errors: ['lease is not renewable'] });
        server.api.renewals += 1;
        // As Vault: the TTL again (or the increment asked for), never past the max TTL.
        const increment = Number(body.increment) || info.ttl;
        info.expiresAt = Math.min(Date.now() + increment * 1000, info.maxExpiresAt ?? Infinity);
        const capped = info.maxExpiresAt !== null && info.expiresAt === info.maxExpiresAt;
        return send(200, envelope({ auth: authBlock(token), warnings: capped ? ['TTL of the token exceeded its max TTL; TTL value is capped accordingly'] : null }));
      }
      const mountInfo = /^sys\/internal\/ui\/mounts\/(.+)$/.exec(path);
      if (req.method === 'GET' && mountInfo) {
        const mount = mountFor(mountInfo[1]);
        if (!mount) return send(400, { errors: [`preflight capability check returned 403, please ensure client's policies grant access to path "${mountInfo[1]}"`] });
        const dataPath = mount.version === 2 ? `${mount.path}data/${mountInfo[1].slice(mount.path.length).replace(/^data\//, '')}` : mountInfo[1];
        if (!may(dataPath) && !may(mountInfo[1])) return denied();
        return send(200, envelope({
          data: {
            path: mount.path, type: 'kv', description: '', accessor: `kv_${mount.path.replace('/', '')}`, local: false, seal_wrap: false,
            external_entropy_access: false, options: mount.version === 2 ? { version: '2' } : null, uuid: randomUUID(), config: {},
          },
        }));
      }
      if (req.method === 'GET') {
        const mount = mountFor(path);
        if (!mount) return send(404, { errors: [`no handler for route "${path}". route entry not found.`] });
        if (!may(path)) return denied();
        const relative = path.slice(mount.path.length);
        if (mount.version === 2) {
          if (!relative.startsWith('data/')) return send(404, { errors: [] });
          const secret = mount.secrets.get(relative.slice('data/'.length));
          if (!secret) return send(404, { errors: [] });
          return send(200, envelope({
            data: { data: secret, metadata: { created_time: new Date().toISOString(), custom_metadata: null, deletion_time: '', destroyed: false, version: 1 } },
          }));
        }
        const secret = mount.secrets.get(relative);
        if (!secret) return send(404, { errors: [] });
        return send(200, envelope({ data: secret, lease_duration: 2764800 }));
      }
      return send(405, { errors: ['unsupported operation'] });
    });
  };
  const tls = opts.tls;
  const server = (tls
    ? https.createServer({ key: tls.key, cert: tls.cert, ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}) }, listener)
    : http.createServer(listener)) as http.Server & { api: VaultDevServer };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.api = {
    addr: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    rootToken,
    requests: [],
    renewals: 0,
    logins: 0,
    mountKv(path, version) {
      const p = path.replace(/\/*$/, '/');
      mounts.set(p, { path: p, version, secrets: new Map() });
    },
    putSecret(path, data) {
      const mount = mountFor(path);
      if (!mount) throw new Error(`no mount for ${path}`);
      const relative = path.slice(mount.path.length);
      mount.secrets.set(mount.version === 2 ? relative.replace(/^data\//, '') : relative, data);
    },
    createToken(policies, opts = {}) {
      return newToken(policies, opts);
    },
    addAppRole(roleId, secretId, policies, token) {
      approles.set(roleId, { secretId, policies, token });
    },
    addUser(username, password, policies, token) {
      users.set(username, { password, policies, token });
    },
    revokeToken(token) {
      tokens.delete(token);
    },
    tokenValid(token) {
      return liveToken(token) !== undefined;
    },
    setAvailable(value) {
      available = value;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return server.api;
}
