import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { href, navigate, refreshSession, storeToken, stream, useSession } from '../ui';

/** Token login: the token stays in this tab's session storage and goes out as a Bearer header. */
export function LoginPage(): JSX.Element {
  const session = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    storeToken(token.trim());
    const s = await refreshSession().catch(() => undefined);
    if (!s || s.scope === 'none') {
      storeToken(undefined);
      await refreshSession().catch(() => undefined);
      setError('The API does not know this token. Tokens come from the scheduler\'s --api-tokens-file.');
      return;
    }
    stream.restart();
    navigate(href.overview());
  };
  return (
    <section>
      <h1>Log in</h1>
      {session && !session.authEnabled && <p>This scheduler has no API tokens: the console works without a login.</p>}
      <form onSubmit={(e) => void submit(e)} class="stack">
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)} aria-describedby="token-help" />
        <p id="token-help" class="hint">A <code>read</code> token shows everything; a <code>deploy</code> token can also change things.</p>
        <button type="submit" class="primary">Log in</button>
        {error && <p role="alert" class="error-text">{error}</p>}
      </form>
    </section>
  );
}
