import { helperAnswer, lookupDockerConfig, normalizeRegistryKey, parseRegistrySecret, registryOf } from '../../../executor/registry-auth';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('registry credentials', () => {
  it("finds an image's registry as Docker does", () => {
    expect(registryOf('busybox')).toBe('docker.io');
    expect(registryOf('library/busybox:1')).toBe('docker.io');
    expect(registryOf('127.0.0.1:5000/x')).toBe('127.0.0.1:5000');
    expect(registryOf('localhost/x')).toBe('localhost');
    expect(registryOf('reg.example.com/team/app:2')).toBe('reg.example.com');
    expect(registryOf('index.docker.io/library/x')).toBe('docker.io');
    expect(normalizeRegistryKey('https://index.docker.io/v1/')).toBe('docker.io');
    expect(normalizeRegistryKey('https://reg.example.com:5000/v2/')).toBe('reg.example.com:5000');
  });

  it('decodes the base64 auth of auths, and prefers credHelpers, then credsStore', () => {
    const config = { auths: { 'https://reg.example.com': { auth: b64('bob:pa:ss') } } };
    expect(lookupDockerConfig(config, 'reg.example.com')).toEqual({ kind: 'auth', auth: { username: 'bob', password: 'pa:ss', serveraddress: 'reg.example.com' } });
    expect(lookupDockerConfig(config, 'other.example.com')).toEqual({ kind: 'none' });
    expect(lookupDockerConfig({ ...config, credHelpers: { 'reg.example.com': 'ecr-login' } }, 'reg.example.com'))
      .toEqual({ kind: 'helper', helper: 'ecr-login', serverUrl: 'reg.example.com' });
    expect(lookupDockerConfig({ ...config, credsStore: 'pass' }, 'reg.example.com'))
      .toEqual({ kind: 'helper', helper: 'pass', serverUrl: 'https://reg.example.com' });
  });

  it("reads a credential helper's answer, with <token> as an identity token", () => {
    expect(helperAnswer('{"ServerURL":"r","Username":"u","Secret":"s"}', 'r')).toEqual({ username: 'u', password: 's', serveraddress: 'r' });
    expect(helperAnswer('{"Username":"<token>","Secret":"t"}', 'r')).toEqual({ identitytoken: 't', serveraddress: 'r' });
    expect(helperAnswer('credentials not found in native keychain', 'r')).toBeUndefined();
  });

  it('reads a Vault registry secret as user:password or a JSON object', () => {
    expect(parseRegistrySecret('ci:p:w', 'r')).toEqual({ username: 'ci', password: 'p:w', serveraddress: 'r' });
    expect(parseRegistrySecret('{"username":"ci","password":"pw"}', 'r')).toEqual({ username: 'ci', password: 'pw', serveraddress: 'r' });
    expect(() => parseRegistrySecret('nocolon', 'r')).toThrow(/user:password/);
  });
});
