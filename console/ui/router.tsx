import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Client-side routes under /ui: each page has its own URL, so back, forward and deep links work. */
export const BASE = '/ui';

export type Route =
  | { page: 'overview' }
  | { page: 'request'; requestId: string }
  | { page: 'task'; taskId: string }
  | { page: 'agents' }
  | { page: 'discovery' }
  | { page: 'webhooks' }
  | { page: 'events'; requestId?: string }
  | { page: 'login' }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string, search: string): Route {
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { page: 'overview' };
  if (parts[0] === 'requests' && parts.length === 2) return { page: 'request', requestId: parts[1] };
  if (parts[0] === 'tasks' && parts.length === 2) return { page: 'task', taskId: parts[1] };
  if (parts.length === 1 && (parts[0] === 'agents' || parts[0] === 'discovery' || parts[0] === 'webhooks' || parts[0] === 'login')) return { page: parts[0] };
  if (parts.length === 1 && parts[0] === 'events') return { page: 'events', requestId: new URLSearchParams(search).get('requestId') ?? undefined };
  return { page: 'not-found', path };
}

export const href = {
  overview: () => `${BASE}/`,
  request: (id: string) => `${BASE}/requests/${encodeURIComponent(id)}`,
  task: (id: string) => `${BASE}/tasks/${encodeURIComponent(id)}`,
  agents: () => `${BASE}/agents`,
  discovery: () => `${BASE}/discovery`,
  webhooks: () => `${BASE}/webhooks`,
  events: (requestId?: string) => `${BASE}/events${requestId ? `?requestId=${encodeURIComponent(requestId)}` : ''}`,
  login: () => `${BASE}/login`,
};

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname, location.search));
  useEffect(() => {
    const update = (): void => setRoute(parseRoute(location.pathname, location.search));
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return route;
}

/** An ordinary link (open in a new tab works) that navigates in place on a plain click. */
export function Link(props: { to: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' }): JSX.Element {
  const onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.to);
  };
  return <a href={props.to} onClick={onClick} class={props.class} aria-current={props['aria-current']}>{props.children}</a>;
}
