/**
 * Vault as sidecar-executor used it, against the Vault double over TLS: VAULT_CACERT,
 * VAULT_CAPATH, client certificates, VAULT_SKIP_VERIFY, and VAULT_TOKEN_FILE as a token cache
 * in front of a userpass login. Certificates are made with the openssl CLI per run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { readVaultSettings } from '../../../executor/config';
import { resolveSecrets } from '../../../executor/vault-resolver';
import { startVaultDevServer, type VaultDevServer } from '../../support/vault-dev-server';

jest.setTimeout(60_000);

let dir: string;
let vault: VaultDevServer;
let mtlsVault: VaultDevServer;
const log = pino({ level: 'silent' });
const file = (name: string) => path.join(dir, name);
const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-vault-tls-'));
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=griddle test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  const issue = (name: string, cn: string, ext: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${cn}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    fs.writeFileSync(file(`${name}.ext`), ext);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
  };
  issue('server', '127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue('client', 'griddle-executor', 'extendedKeyUsage=clientAuth\n');
  fs.mkdirSync(file('cas'));
  fs.copyFileSync(file('ca.pem'), path.join(file('cas'), 'ca.pem'));
  const tls = { key: fs.readFileSync(file('server.key')), cert: fs.readFileSync(file('server.pem')) };
  vault = await startVaultDevServer({ tls });
  mtlsVault = await startVaultDevServer({ tls: { ...tls, ca: fs.readFileSync(file('ca.pem')) } });
  for (const v of [vault, mtlsVault]) {
    v.mountKv('secret', 2);
    v.putSecret('secret/web/db', { password: 'tls-secret' });
    v.addUser('deployer', 'pw', ['secret/data/web/*'], { ttl: 7200, renewable: true, maxTtl: 200_000 });
  }
});
afterAll(async () => {
  await vault.close();
  await mtlsVault.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const request = [{ name: 'DB', ref: { path: 'secret/web/db', key: 'password' } }];
const allow = ['secret/data/web/'];
async function read(v: VaultDevServer, env: Record<string, string>): Promise<string | undefined> {
  const { values, tokenKeeper } = await resolveSecrets(request, allow, readVaultSettings({ VAULT_ADDR: v.addr, VAULT_TIMEOUT: '2s', ...env }), log);
  tokenKeeper?.stop();
  return values.get('DB');
}

describe('Vault over TLS', () => {
  it('trusts VAULT_CACERT or VAULT_CAPATH, refuses an unknown CA, and VAULT_SKIP_VERIFY skips the check', async () => {
    const token = vault.createToken(['secret/data/web/*']);
    expect(await read(vault, { VAULT_TOKEN: token, VAULT_CACERT: file('ca.pem') })).toBe('tls-secret');
    expect(await read(vault, { VAULT_TOKEN: token, VAULT_CAPATH: file('cas') })).toBe('tls-secret');
    await expect(read(vault, { VAULT_TOKEN: token })).rejects.toThrow(/unreachable \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
    expect(await read(vault, { VAULT_TOKEN: token, VAULT_SKIP_VERIFY: 'true' })).toBe('tls-secret');
    await expect(read(vault, { VAULT_TOKEN: token, VAULT_CACERT: file('missing.pem') })).rejects.toThrow(/Vault TLS: VAULT_CACERT .*missing.pem: ENOENT/);
  });

  it('presents VAULT_CLIENT_CERT and VAULT_CLIENT_KEY to a Vault that requires a client certificate', async () => {
    const token = mtlsVault.createToken(['secret/data/web/*']);
    expect(await read(mtlsVault, { VAULT_TOKEN: token, VAULT_CACERT: file('ca.pem'), VAULT_CLIENT_CERT: file('client.pem'), VAULT_CLIENT_KEY: file('client.key') })).toBe('tls-secret');
    await expect(read(mtlsVault, { VAULT_TOKEN: token, VAULT_CACERT: file('ca.pem') })).rejects.toThrow(/Vault/);
  });
});

describe('VAULT_TOKEN_FILE as a userpass token cache', () => {
  it('logs in once and writes the token (0600); later launches reuse it while fresh; a stale or revoked one means a new login', async () => {
    const cache = file('token');
    const env = { VAULT_CACERT: file('ca.pem'), VAULT_TOKEN_FILE: cache, VAULT_USERNAME: 'deployer', VAULT_PASSWORD: 'pw', VAULT_TTL: '7200' };
    const logins = vault.logins;
    expect(await read(vault, env)).toBe('tls-secret');
    expect(vault.logins).toBe(logins + 1);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o600);
    const first = fs.readFileSync(cache, 'utf8');
    expect(vault.tokenValid(first)).toBe(true);

    expect(await read(vault, env)).toBe('tls-secret');
    expect(vault.logins).toBe(logins + 1);

    // Written more than VAULT_TTL minus an hour ago: not reused.
    const old = new Date(Date.now() - 3601_000);
    fs.utimesSync(cache, old, old);
    expect(await read(vault, env)).toBe('tls-secret');
    expect(vault.logins).toBe(logins + 2);
    const second = fs.readFileSync(cache, 'utf8');
    expect(second).not.toBe(first);

    vault.revokeToken(second);
    expect(await read(vault, env)).toBe('tls-secret');
    expect(vault.logins).toBe(logins + 3);
  });
});
