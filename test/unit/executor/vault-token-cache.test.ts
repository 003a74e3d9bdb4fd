import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedTokenFresh, readCachedToken, writeCachedToken } from '../../../executor/vault-token-cache';

describe('VAULT_TOKEN_FILE as a cache', () => {
  it('reuses a token written less than VAULT_TTL minus an hour ago', () => {
    const day = 86_400;
    expect(cachedTokenFresh(0, (day - 3601) * 1000, day)).toBe(true);
    expect(cachedTokenFresh(0, (day - 3600) * 1000, day)).toBe(false);
    expect(cachedTokenFresh(0, 0, 3600)).toBe(false);
  });

  it('writes mode 0600 and reads back only while fresh', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'griddle-token-'));
    const file = path.join(dir, 'token');
    try {
      expect(await readCachedToken(file, 86_400)).toBeUndefined();
      await writeCachedToken(file, 'hvs.abc');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(await readCachedToken(file, 86_400)).toBe('hvs.abc');
      expect(await readCachedToken(file, 86_400, Date.now() + 86_400_000)).toBeUndefined();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
