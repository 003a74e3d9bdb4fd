/**
 * A Vault-API double for tests, on an ephemeral port: KV v1 and v2 on separate mounts with the
 * `sys/internal/ui/mounts` information the Vault CLI (and griddle-executor) reads to tell them
 * apart, token lookup-self and renew-self, AppRole and userpass login, per-token path policies
 * (Vault-style globs) and a switch that makes it unavailable (503, as a sealed Vault answers).
 * Responses carry Vault's envelope (`request_id`, `lease_id`, `data`, `auth`, `errors`) so that
 * node-vault cannot tell it from Vault on these calls.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

type Data = Record<string, unknown>;

interface TokenInfo {
  policies: string[];
  ttl: number;
  renewable: boolean;
  createdAt: number;
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
  mountKv(path: string, version: 1 | 2): void;
  /** Writes a secret at its CLI-style path (`secret/app` on a v2 mount, `kv/app` on a v1 mount). */
  putSecret(path: string, data: Data): void;
  /** `policies` are path globs (`secret/data/app/*`) the token may read. */
  createToken(policies: string[], opts?: { ttl?: number; renewable?: boolean }): string;
  addAppRole(roleId: string, secretId: string, policies: string[]): void;
  addUser(username: string, password: string, policies: string[]): void;
  setAvailable(available: boolean): void;
  close(): Promise<void>;
}

function matches(glob: string, path: string): boolean {
  return glob.endsWith('*') ? path.startsWith(glob.slice(0, -1)) : path === glob;
}

export async function startVaultDevServer(): Promise<VaultDevServer> {
  const tokens = new Map<string, TokenInfo>();
  const mounts = new Map<string, Mount>();
  const approles = new Map<string, { secretId: string; policies: string[] }>();
  const users = new Map<string, { password: string; policies: string[] }>();
  const rootToken = `hvs.root-${randomUUID()}`;
  tokens.set(rootToken, { policies: ['*'], ttl: 0, renewable: false, createdAt: Date.now() });
  let available = true;

  const newToken = (policies: string[], ttl = 3600, renewable = true): string => {
    const token = `hvs.${randomUUID().replace(/-/g, '')}`;
    tokens.set(token, { policies, ttl, renewable, createdAt: Date.now() });
    return token;
  };
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
      metadata: null, lease_duration: info?.ttl ?? 0, renewable: info?.renewable ?? false, entity_id: '', token_type: 'service', orphan: true,
    };
  };

  const server = http.createServer((req, res) => {
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
        return send(200, envelope({ auth: authBlock(newToken(role.policies)) }));
      }
      const userLogin = /^auth\/userpass\/login\/(.+)$/.exec(path);
      if (req.method === 'POST' && userLogin) {
        const user = users.get(userLogin[1]);
        if (!user || user.password !== body.password) return send(400, { errors: ['invalid username or password'] });
        return send(200, envelope({ auth: authBlock(newToken(user.policies)) }));
      }

      const info = token ? tokens.get(token) : undefined;
      if (!token || !info) return denied();
      const may = (p: string) => info.policies.some((g) => matches(g, p));

      if (req.method === 'GET' && path === 'auth/token/lookup-self') {
        return send(200, envelope({
          data: {
            id: token, accessor: 'accessor', policies: info.policies, ttl: info.ttl, renewable: info.renewable,
            creation_time: Math.floor(info.createdAt / 1000), creation_ttl: info.ttl, display_name: 'token', explicit_max_ttl: 0,
            expire_time: info.ttl ? new Date(Date.now() + info.ttl * 1000).toISOString() : null, num_uses: 0, orphan: true, path: 'auth/token/create', type: 'service', meta: null,
          },
        }));
      }
      if ((req.method === 'POST' || req.method === 'PUT') && path === 'auth/token/renew-self') {
        if (!info.renewable) return send(400, { errors: ['lease is not renewable'] });
        server.api.renewals += 1;
        return send(200, envelope({ auth: authBlock(token) }));
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
  }) as http.Server & { api: VaultDevServer };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.api = {
    addr: `http://127.0.0.1:${port}`,
    rootToken,
    requests: [],
    renewals: 0,
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
      return newToken(policies, opts.ttl ?? 3600, opts.renewable ?? true);
    },
    addAppRole(roleId, secretId, policies) {
      approles.set(roleId, { secretId, policies });
    },
    addUser(username, password, policies) {
      users.set(username, { password, policies });
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
