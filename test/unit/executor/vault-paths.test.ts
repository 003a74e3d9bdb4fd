import { couldBeAllowed, describeRef, expandAllowList, isAllowed, kvLocation, parseVaultRef } from '../../../executor/vault-paths';

describe('vault:// references', () => {
  it('parses the path and key', () => {
    expect(parseVaultRef('vault://secret/data/app/db?key=password')).toEqual({ path: 'secret/data/app/db', key: 'password' });
  });

  it("defaults the key to 'value' and normalizes slashes", () => {
    expect(parseVaultRef('vault:///secret//app/')).toEqual({ path: 'secret/app', key: 'value' });
  });

  it('rejects an empty path, an empty key and dot segments', () => {
    expect(() => parseVaultRef('vault://?key=x')).toThrow(/has no path/);
    expect(() => parseVaultRef('vault://secret/app?key=')).toThrow(/empty key/);
    expect(() => parseVaultRef('vault://secret/app/../other')).toThrow(/'\.\.'/);
  });

  it('describes a reference without any value', () => {
    expect(describeRef({ path: 'secret/app', key: 'k' })).toBe('vault://secret/app?key=k');
  });
});

describe('allow-list', () => {
  const list = expandAllowList('secret/data/{service}/, secret/{service}/,kv/{environment}/{service}/', { service: 'web', environment: 'prod' });

  it('expands {service} and {environment}', () => {
    expect(list).toEqual(['secret/data/web/', 'secret/web/', 'kv/prod/web/']);
  });

  it('allows paths under a prefix and refuses others', () => {
    expect(isAllowed('secret/data/web/db', list)).toBe(true);
    expect(isAllowed('kv/prod/web/token', list)).toBe(true);
    expect(isAllowed('secret/data/webhooks/db', list)).toBe(false);
    expect(isAllowed('secret/data/other/db', list)).toBe(false);
    expect(isAllowed('kv/dev/web/token', list)).toBe(false);
  });
});

describe('KV locations', () => {
  it('reads a v1 path as written', () => {
    expect(kvLocation('kv/app/db', { path: 'kv/', version: 1 })).toEqual({ readPath: 'kv/app/db', aliases: ['kv/app/db'] });
  });

  it('inserts data/ for the CLI form of a v2 path', () => {
    expect(kvLocation('secret/app/db', { path: 'secret/', version: 2 })).toEqual({
      readPath: 'secret/data/app/db', aliases: ['secret/data/app/db', 'secret/app/db'],
    });
  });

  it('keeps the API form of a v2 path', () => {
    expect(kvLocation('secret/data/app/db', { path: 'secret/', version: 2 }).readPath).toBe('secret/data/app/db');
  });

  it('handles nested mounts', () => {
    expect(kvLocation('team/kv/app', { path: 'team/kv/', version: 2 }).readPath).toBe('team/kv/data/app');
  });
});

describe('allow-list pre-check before any Vault request', () => {
  const list = ['secret/data/web/', 'secret/web/'];
  it('accepts either KV v2 form of an allowed path', () => {
    expect(couldBeAllowed('secret/web/db', list)).toBe(true);
    expect(couldBeAllowed('secret/data/web/db', list)).toBe(true);
    expect(couldBeAllowed('team/kv/data/x', ['team/kv/x'])).toBe(true);
  });
  it('refuses a path no reading of which is allowed', () => {
    expect(couldBeAllowed('secret/other/db', list)).toBe(false);
    expect(couldBeAllowed('secret/data/other/db', list)).toBe(false);
    expect(couldBeAllowed('kv/web/db', list)).toBe(false);
  });
});
