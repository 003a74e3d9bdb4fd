import { parseTokens } from '../../../scheduler/api';
import { call, type Harness, startHarness } from '../../support/api-harness';

const DEPLOY = 'deploy-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';
const tokens = parseTokens(`# griddle API tokens\n${DEPLOY} deploy ci\n\n${READ} read dashboards\n`);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tokens });
});
afterAll(async () => {
  await h.close();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('bearer tokens', () => {
  it.each([
    ['no token', {}, 401],
    ['an unknown token', bearer('nope-nope-nope-nope-nope'), 401],
    ['a malformed header', { authorization: `Basic ${DEPLOY}` }, 401],
    ['a read token', bearer(READ), 403],
    ['a deploy token', bearer(DEPLOY), 200],
  ])('a mutating call with %s → %i', async (_name, headers, status) => {
    const res = await call(h, 'POST', '/api/requests', { id: 'authz', requestType: 'SERVICE' }, headers);
    expect(res.status).toBe(status);
    if (status !== 200) expect(String((res.json as { message: string }).message)).toMatch(/token/);
  });

  it('reads need no token, with tokens configured (the default: reads are not protected)', async () => {
    expect((await call(h, 'GET', '/api/requests')).status).toBe(200);
    expect((await call(h, 'GET', '/singularity/api/requests/request/authz')).status).toBe(200);
  });

  it('the 401 names the scheme', async () => {
    const res = await fetch(`${h.url}/api/requests/request/authz/pause`, { method: 'POST' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('token file', () => {
  it.each([
    ['short secret', 'abc deploy', 'line 1: the token must be at least 16 characters'],
    ['unknown scope', `${DEPLOY} admin`, 'line 1: scope must be "read" or "deploy", got "admin"'],
    ['missing scope', `# c\n${DEPLOY}`, 'line 2: scope must be "read" or "deploy"'],
    ['groups with spaces', `${DEPLOY} deploy ci edge, web`, 'line 1: expected <token> <read|deploy> [name] [groups], got more fields'],
  ])('%s is refused', (_name, text, message) => {
    expect(() => parseTokens(text, 'tokens.txt')).toThrow(`tokens.txt ${message}`);
  });

});
