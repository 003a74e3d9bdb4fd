import type { Router } from 'express';
import { type TokenTable, grantOf, userHolder } from '../auth';
import { HttpError } from '../http-errors';

/**
 * Singularity's `GET /auth/user`: who the presented bearer token is. Reads may be open (no
 * `protectReads`), so the token is looked up here rather than trusted from the middleware; with
 * tokens configured a missing or unknown token is 401, as Singularity answers when auth is on.
 */
export function registerAuthUser(router: Router, tokens: TokenTable | undefined): void {
  router.get('/auth/user', (req, res) => {
    const grant = grantOf(tokens, req.get('authorization'));
    if (tokens && tokens.size > 0 && !grant) throw new HttpError(401, 'Authorization: Bearer <token> is required to say who you are');
    res.json(userHolder(tokens, grant));
  });
}
