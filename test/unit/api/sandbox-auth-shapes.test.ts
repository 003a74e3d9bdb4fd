import { grantOf, parseTokens, userHolder } from '../../../scheduler/api/auth';
import { storedHosts } from '../../../scheduler/api/inactive-hosts';
import { toSandbox } from '../../../scheduler/api/sandbox';
import { grepLines } from '../../../scheduler/api/resources/sandbox';

/** Pure shapes behind /sandbox/{taskId}/browse, /auth/user and /inactive. */

describe('toSandbox (the agent\'s /files/browse → SingularitySandbox)', () => {
  const root = '/var/lib/mesos/slaves/a1/frameworks/f/executors/t1/runs/latest';
  const entry = (path: string) => ({ path, nlink: 1, size: 12, mtime: 1_700_000_000, mode: '-rw-r--r--', uid: 'root', gid: 'root' });

  it('names entries relative to the directory browsed, the root included', () => {
    expect(toSandbox([entry(`${root}/stdout`), entry(`${root}/logs`)], root, '', 'host-1')).toEqual({
      files: [{ name: 'stdout', mtime: 1_700_000_000, size: 12, mode: '-rw-r--r--' }, { name: 'logs', mtime: 1_700_000_000, size: 12, mode: '-rw-r--r--' }],
      fullPathToRoot: root, currentDirectory: '', agentHostname: 'host-1', slaveHostname: 'host-1',
    });
  });

  it('inside a subdirectory, and when the agent answers paths of its own spelling', () => {
    const sandbox = toSandbox([entry(`${root}/logs/app.log`), entry('/elsewhere/other.log')], root, 'logs', 'h');
    expect(sandbox.files.map((f) => f.name)).toEqual(['app.log', 'other.log']);
    expect(sandbox.currentDirectory).toBe('logs');
  });

  it('fills what an agent leaves out', () => {
    expect(toSandbox([{ path: `${root}/x` }], root, '', 'h').files).toEqual([{ name: 'x', mtime: 0, size: 0, mode: '' }]);
  });
});

describe('grepLines (/sandbox/{taskId}/read?grep=)', () => {
  it('keeps the matching lines, each with its newline, a partial last line included', () => {
    expect(grepLines('GET /a 200\nGET /b 500\nPOST /c 500\nGET /d 5', /500$/)).toBe('GET /b 500\nPOST /c 500\n');
    expect(grepLines('GET /a 200\nGET /d 5', /^GET \/d/)).toBe('GET /d 5\n');
    expect(grepLines('nothing\n', /x/)).toBe('');
  });
});

describe('userHolder and grantOf (/auth/user)', () => {
  const DEPLOY = 'deploy-token-0123456789abcdef';
  const READ = 'read-token-0123456789abcdef';
  const tokens = parseTokens(`${DEPLOY} deploy ci\n${READ} read\n`);

  it.each([
    ['a deploy token', `Bearer ${DEPLOY}`, { id: 'ci', scopes: ['READ', 'WRITE'] }],
    ['a read token without a name', `bearer ${READ}`, { id: 'token-line-2', scopes: ['READ'] }],
  ])('%s is its user', (_name, header, user) => {
    expect(userHolder(tokens, grantOf(tokens, header))).toEqual({
      user: { ...user, name: user.id, groups: [], authenticated: true }, authenticated: true, authEnabled: true,
    });
  });

  it.each([
    ['no header', undefined],
    ['an unknown token', 'Bearer nope-nope-nope-nope'],
    ['another scheme', `Basic ${DEPLOY}`],
  ])('%s: no grant, not authenticated', (_name, header) => {
    expect(grantOf(tokens, header)).toBeUndefined();
    expect(userHolder(tokens, undefined)).toEqual({ authenticated: false, authEnabled: true });
  });

  it('without tokens, auth is off', () => {
    expect(grantOf(undefined, `Bearer ${DEPLOY}`)).toBeUndefined();
    expect(userHolder(undefined, undefined)).toEqual({ authenticated: false, authEnabled: false });
  });
});

describe('storedHosts', () => {
  it('lists the persisted hosts, sorted', () => {
    expect(storedHosts(new Map([['b.example', {}], ['a.example', {}]]))).toEqual(['a.example', 'b.example']);
  });
});
