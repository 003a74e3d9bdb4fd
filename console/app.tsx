import type { JSX } from 'preact';
import { useEffect } from 'preact/hooks';
import { AgentsPage, DiscoveryPage, EventsPage, LoginPage, OverviewPage, RequestPage, TaskPage, WebhooksPage } from './pages';
import { href, Link, navigate, refreshSession, type Route, storeToken, stream, useRoute, useSession, useStreamStatus } from './ui';

function StreamIndicator(): JSX.Element {
  const s = useStreamStatus();
  const text = s.status === 'live' ? 'Live' : s.status === 'connecting' ? 'Connecting…'
    : s.status === 'unauthorized' ? 'Stream down: log in' : s.status === 'stopped' ? 'Stream stopped' : `Stream down, reconnecting (attempt ${s.failures})`;
  return <p class={`stream ${s.status === 'live' ? 'good' : s.status === 'connecting' ? 'neutral' : 'bad'}`} role="status" data-stream={s.status}>
    <span aria-hidden="true">{s.status === 'live' ? '●' : '○'}</span> {text}
  </p>;
}

function Who(): JSX.Element | null {
  const session = useSession();
  if (!session || !session.authEnabled) return null;
  const logout = (): void => {
    storeToken(undefined);
    void refreshSession().then(() => stream.restart());
    navigate(href.login());
  };
  if (session.scope === 'none') return <Link to={href.login()}>Log in</Link>;
  return <span class="who">{session.user} ({session.scope}) <button type="button" onClick={logout}>Log out</button></span>;
}

function Page(props: { route: Route }): JSX.Element {
  const r = props.route;
  switch (r.page) {
    case 'overview': return <OverviewPage />;
    case 'request': return <RequestPage requestId={r.requestId} />;
    case 'task': return <TaskPage taskId={r.taskId} />;
    case 'agents': return <AgentsPage />;
    case 'discovery': return <DiscoveryPage />;
    case 'webhooks': return <WebhooksPage />;
    case 'events': return <EventsPage requestId={r.requestId} />;
    case 'login': return <LoginPage />;
    default: return <section><h1>Not found</h1><p>No console page at {r.path}. <Link to={href.overview()}>Go to the overview</Link>.</p></section>;
  }
}

const NAV: [Route['page'], string, string][] = [
  ['overview', 'Overview', href.overview()], ['agents', 'Agents', href.agents()], ['discovery', 'Discovery', href.discovery()], ['webhooks', 'Webhooks', href.webhooks()], ['events', 'Events', href.events()],
];

export function App(): JSX.Element {
  const route = useRoute();
  const session = useSession();
  useEffect(() => {
    stream.start();
    return () => stream.stop();
  }, []);
  // With tokens on and reads protected, nothing works before a login.
  useEffect(() => {
    if (session?.readsProtected && session.scope === 'none' && route.page !== 'login') navigate(href.login(), true);
  }, [session, route.page]);
  useEffect(() => {
    const name = route.page === 'request' ? route.requestId : route.page === 'task' ? route.taskId : route.page;
    document.title = `${name} · Griddle`;
  }, [route]);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <nav aria-label="Main">
          <strong class="brand">Griddle</strong>
          <ul>
            {NAV.map(([page, label, to]) => <li><Link to={to} aria-current={route.page === page ? 'page' : undefined}>{label}</Link></li>)}
          </ul>
        </nav>
        <StreamIndicator />
        <Who />
      </header>
      <main id="main" tabIndex={-1}>
        <Page route={route} />
      </main>
    </>
  );
}
