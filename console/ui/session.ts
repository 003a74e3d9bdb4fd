import { useEffect, useState } from 'preact/hooks';
import type { SlimSession } from '../../contract/console';
import { api } from './api';

/** Who the console is for the API: tokens on or off, and the token's scope. */
let current: SlimSession | undefined;
const listeners = new Set<(s: SlimSession | undefined) => void>();

export async function refreshSession(): Promise<SlimSession> {
  current = await api<SlimSession>('/slim/session');
  listeners.forEach((l) => l(current));
  return current;
}

export function useSession(): SlimSession | undefined {
  const [session, setSession] = useState(current);
  useEffect(() => {
    listeners.add(setSession);
    if (!current) void refreshSession().catch(() => undefined);
    return () => void listeners.delete(setSession);
  }, []);
  return session;
}

/** Write actions are shown only to callers that may use them. */
export const canWrite = (s: SlimSession | undefined): boolean => s?.scope === 'open' || s?.scope === 'deploy';
