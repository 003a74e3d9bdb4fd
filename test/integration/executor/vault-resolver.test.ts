import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { readVaultSettings, type VaultSettings } from '../../../executor/config';
import { expandAllowList } from '../../../executor/vault-paths';
import { resolveSecrets as resolve, type SecretRequest } from '../../../executor/vault-resolver';
import type { VaultTokenKeeper } from '../../../executor/vault-token-keeper';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';

const SECRET = 'correct-horse-battery-staple';
let vault: VaultDevServer;
let logText = '';
const log = pino({ level: 'debug' }, new Writable({ write(chunk, _enc, cb) { logText += String(chunk); cb(); } }));
const allow = expandAllowList('secret/data/{service}/,secret/{service}/,kv/{service}/', { service: 'web', environment: 'prod' });
const settings = (extra: Record<string, string>): VaultSettings => readVaultSettings({ VAULT_ADDR: vault.addr, VAULT_TIMEOUT: '2s', ...extra });
const req = (name: string, p: string, key = 'value'): SecretRequest => ({ name, ref: { path: p, key } });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every token keeper started is stopped after its test. */
const keepers: VaultTokenKeeper[] = [];
async function resolveSecrets(...args: Parameters<typeof resolve>): Promise<Map<string, string>> {
  const { values, tokenKeeper } = await resolve(...args);
  if (tokenKeeper) keepers.push(tokenKeeper);
  return values;
}
/** The token of the latest request the executor made to Vault. */
const lastToken = (): string => vault.requests.filter((r) => r.token).at(-1)?.token ?? '';

beforeAll(async () => {
  vault = await startVaultDevServer();
  vault.mountKv('secret', 2);
  vault.mountKv('kv', 1);
  vault.putSecret('secret/web/db', { password: SECRET, value: 'v2-default' });
  vault.putSecret('kv/web/api', { value: 'v1-value' });
  vault.putSecret('secret/other/db', { password: 'not-yours' });
});
afterAll(() => vault.close());
beforeEach(() => {
  logText = '';
});
afterEach(() => {
  for (const keeper of keepers.splice(0)) keeper.stop();
});

describe('Vault secrets through node-vault', () => {
  it('reads KV v2 in both path forms and KV v1, told apart by the mount', async () => {
    const token = vault.createToken(['secret/data/web/*', 'kv/web/*']);
    const values = await resolveSecrets(
      [req('A', 'secret/data/web/db', 'password'), req('B', 'secret/web/db'), req('C', 'kv/web/api')],
      allow, settings({ VAULT_TOKEN: token }), log,
    );
    expect(values).toEqual(new Map([['A', SECRET], ['B', 'v2-default'], ['C', 'v1-value']]));
    expect(vault.requests.some((r) => r.path === 'sys/internal/ui/mounts/secret/data/web/db')).toBe(true);
    expect(vault.requests.some((r) => r.path === 'kv/web/api' && r.status === 200)).toBe(true);
    expect(logText).not.toContain(SECRET);
  });

  it('renews a renewable token', async () => {
    const before = vault.renewals;
    await resolveSecrets([req('B', 'secret/web/db')], allow, settings({ VAULT_TOKEN: vault.createToken(['secret/data/web/*']) }), log);
    expect(vault.renewals).toBe(before + 1);
  });

  it('logs in with a token file, AppRole and userpass', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-vault-'));
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, `${vault.createToken(['secret/data/web/*'])}\n`, { mode: 0o600 });
    vault.addAppRole('role-1', 'secret-id-1', ['secret/data/web/*']);
    vault.addUser('deployer', 'pw-123', ['secret/data/web/*']);
    const logins: Record<string, string>[] = [{ VAULT_TOKEN_FILE: file }, { VAULT_ROLE_ID: 'role-1', VAULT_SECRET_ID: 'secret-id-1' }, { VAULT_USERNAME: 'deployer', VAULT_PASSWORD: 'pw-123' }];
    for (const extra of logins) {
      const values = await resolveSecrets([req('P', 'secret/web/db', 'password')], allow, settings(extra), log);
      expect(values.get('P')).toBe(SECRET);
    }
    expect(logText).not.toContain('pw-123');
    expect(logText).not.toContain('secret-id-1');
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a path outside the allow-list without reading it', async () => {
    await expect(resolveSecrets([req('X', 'secret/data/other/db', 'password')], allow, settings({ VAULT_TOKEN: vault.rootToken }), log))
      .rejects.toThrow("X=vault://secret/data/other/db?key=password: path is outside this service's allow-list");
    expect(vault.requests.some((r) => r.path === 'secret/data/other/db')).toBe(false);
  });

  it("names path and key when the token's policy denies the read", async () => {
    const token = vault.createToken(['secret/data/nothing/*']);
    await expect(resolveSecrets([req('P', 'secret/web/db', 'password')], allow, settings({ VAULT_TOKEN: token }), log))
      .rejects.toThrow(/P=vault:\/\/secret\/web\/db\?key=password: .*permission denied/);
  });

  it('names a missing key', async () => {
    await expect(resolveSecrets([req('P', 'secret/web/db', 'nokey')], allow, settings({ VAULT_TOKEN: vault.rootToken }), log))
      .rejects.toThrow("key 'nokey' not found at secret/data/web/db");
  });

  it('fails clearly when Vault is unavailable, and when it is unreachable', async () => {
    vault.setAvailable(false);
    try {
      await expect(resolveSecrets([req('P', 'secret/web/db')], allow, settings({ VAULT_TOKEN: vault.rootToken }), log))
        .rejects.toThrow(/unavailable or sealed \(503\)/);
    } finally {
      vault.setAvailable(true);
    }
    await expect(resolveSecrets([req('P', 'secret/web/db')], allow, readVaultSettings({ VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: 't' }), log))
      .rejects.toThrow(/unreachable \(ECONNREFUSED\)/);
  });

  it('fails without credentials, saying which variables to set', async () => {
    await expect(resolveSecrets([req('P', 'secret/web/db')], allow, settings({}), log)).rejects.toThrow(/set VAULT_TOKEN, VAULT_TOKEN_FILE/);
  });
});

describe('keeping the token alive while the task runs (short TTLs)', () => {
  it('renews a renewable token at about half its TTL, past its first TTL, until stopped', async () => {
    const token = vault.createToken(['secret/data/web/*'], { ttl: 2 });
    const before = vault.renewals;
    const { values, tokenKeeper } = await resolve([req('P', 'secret/web/db', 'password')], allow, settings({ VAULT_TOKEN: token }), log);
    expect(values.get('P')).toBe(SECRET);
    await sleep(4_500);
    expect(vault.tokenValid(token)).toBe(true);
    // At launch, then about every second.
    expect(vault.renewals - before).toBeGreaterThanOrEqual(4);
    tokenKeeper?.stop();
    const stoppedAt = vault.renewals;
    await sleep(2_500);
    expect(vault.renewals).toBe(stoppedAt);
    expect(vault.tokenValid(token)).toBe(false);
    expect(logText).not.toContain(token);
    expect(logText).not.toContain(SECRET);
  });

  it('logs in again with AppRole when renewal no longer gives the full TTL (the max TTL nears)', async () => {
    vault.addAppRole('role-short', 'sid-short', ['secret/data/web/*'], { ttl: 2, maxTtl: 3 });
    const logins = vault.logins;
    await resolveSecrets([req('P', 'secret/web/db', 'password')], allow, settings({ VAULT_ROLE_ID: 'role-short', VAULT_SECRET_ID: 'sid-short' }), log);
    const first = lastToken();
    await sleep(5_000);
    expect(vault.logins - logins).toBeGreaterThanOrEqual(2);
    expect(vault.tokenValid(first)).toBe(false);
    expect(lastToken()).not.toBe(first);
    expect(vault.tokenValid(lastToken())).toBe(true);
    expect(logText).toContain('logged in to Vault again');
    expect(logText).not.toContain('sid-short');
    expect(logText).not.toContain(first);
  });

  it('logs in again with userpass when Vault refuses to renew the token', async () => {
    vault.addUser('short-user', 'pw-short', ['secret/data/web/*'], { ttl: 2 });
    await resolveSecrets([req('P', 'secret/web/db', 'password')], allow, settings({ VAULT_USERNAME: 'short-user', VAULT_PASSWORD: 'pw-short' }), log);
    const first = lastToken();
    const logins = vault.logins;
    vault.revokeToken(first);
    await sleep(2_500);
    expect(vault.logins).toBeGreaterThan(logins);
    expect(vault.tokenValid(lastToken())).toBe(true);
    expect(logText).toMatch(/"cause":"permission denied \(403\)","msg":"Vault token renewal failed"/);
    expect(logText).not.toContain('pw-short');
  });

  it('stops renewing a token it cannot replace once Vault refuses it', async () => {
    const token = vault.createToken(['secret/data/web/*'], { ttl: 2 });
    await resolveSecrets([req('P', 'secret/web/db', 'password')], allow, settings({ VAULT_TOKEN: token }), log);
    vault.revokeToken(token);
    await sleep(1_500);
    const renewals = vault.requests.filter((r) => r.path === 'auth/token/renew-self').length;
    expect(logText).toContain('no further renewal');
    await sleep(1_500);
    expect(vault.requests.filter((r) => r.path === 'auth/token/renew-self')).toHaveLength(renewals);
  });
});
