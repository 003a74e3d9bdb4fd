import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import type { SingularityUserHolder } from '../../contract';

export type Scope = 'read' | 'deploy';
/** `groups`: the Singularity groups the token's user is in; absent: not restricted by groups (`*` in the file). */
export interface ApiToken { name: string; scope: Scope; groups?: string[] }

/** Token → grant, keyed by the token's SHA-256 so a lookup does not leak timing about the secret. */
export type TokenTable = Map<string, ApiToken>;

const digest = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * Reads `GRIDDLE_API_TOKENS_FILE`: one token a line, `<token> <read|deploy> [name] [groups]`,
 * `#` comments and blank lines ignored. A `deploy` token may also read. `groups` (comma-separated)
 * are the token user's groups: it may change only requests of those groups (request-group-gate.ts);
 * without them, or with `*`, it is not restricted by groups, as tokens were before groups.
 */
export function parseTokens(text: string, source = 'tokens file'): TokenTable {
  const table: TokenTable = new Map();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [token, scope, name, groupList, extra] = line.split(/\s+/);
    if (!token || token.length < 16) throw new Error(`${source} line ${i + 1}: the token must be at least 16 characters`);
    if (scope !== 'read' && scope !== 'deploy') throw new Error(`${source} line ${i + 1}: scope must be "read" or "deploy", got "${scope ?? ''}"`);
    if (extra !== undefined) throw new Error(`${source} line ${i + 1}: expected <token> <read|deploy> [name] [groups], got more fields; separate groups with commas, no spaces`);
    const groups = groupList === undefined || groupList === '*' ? undefined : groupList.split(',').filter(Boolean);
    table.set(digest(token), { name: name ?? `token-line-${i + 1}`, scope, ...(groups ? { groups } : {}) });
  });
  return table;
}

export function loadTokens(file: string): TokenTable {
  return parseTokens(fs.readFileSync(file, 'utf8'), file);
}

/** The grant of the `Authorization: Bearer <token>` header, if it names a known token. */
export function grantOf(tokens: TokenTable | undefined, header: string | undefined): ApiToken | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match && tokens ? tokens.get(digest(match[1])) : undefined;
}

/**
 * Singularity's SingularityUserHolder for a caller: the token's name as the user id, its scope
 * as Singularity's authorization scopes (a deploy token may also read), its groups. Griddle
 * keeps no e-mails or settings.
 */
export function userHolder(tokens: TokenTable | undefined, grant: ApiToken | undefined): SingularityUserHolder {
  const authEnabled = (tokens?.size ?? 0) > 0;
  if (!grant) return { authenticated: false, authEnabled };
  const scopes = grant.scope === 'deploy' ? ['READ', 'WRITE'] : ['READ'];
  return { user: { id: grant.name, name: grant.name, groups: grant.groups ?? [], scopes, authenticated: true }, authenticated: true, authEnabled };
}

/**
 * With tokens configured, every mutating call needs `Authorization: Bearer <deploy token>`;
 * reads need a token only when `protectReads` is set. A known token's grant is in `res.locals`.
 */
export function authMiddleware(tokens: TokenTable | undefined, protectReads = false) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!tokens || tokens.size === 0) return next();
    const reading = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
    const grant = grantOf(tokens, req.get('authorization'));
    // An open read still learns who presented a known token (filterRelevantForUser needs it).
    if (reading && !protectReads) {
      if (grant) Object.assign(res.locals, { user: grant.name, grant });
      return next();
    }
    if (!grant) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ message: 'Authorization: Bearer <token> is required (tokens come from GRIDDLE_API_TOKENS_FILE)' });
      return;
    }
    if (!reading && grant.scope !== 'deploy') {
      res.status(403).json({ message: `token "${grant.name}" has scope read; this call needs a deploy token` });
      return;
    }
    res.locals.user = grant.name;
    res.locals.grant = grant;
    next();
  };
}
