import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ApiEventFrame } from '../../contract/events';
import { appendEvent, describeEvent, requestIdOf } from '../state';
import { href, Link, navigate, useEvents } from '../ui';

/** The live event stream as it arrives (newest first), filterable by request. */
export function EventsPage(props: { requestId?: string }): JSX.Element {
  const [log, setLog] = useState<ApiEventFrame[]>([]);
  const [gaps, setGaps] = useState(0);
  const [filter, setFilter] = useState(props.requestId ?? '');
  useEvents((f) => setLog((l) => appendEvent(l, f)), () => setGaps((g) => g + 1));
  const wanted = props.requestId;
  const shown = wanted ? log.filter((e) => requestIdOf(e) === wanted) : log;
  const apply = (e: Event): void => {
    e.preventDefault();
    navigate(href.events(filter.trim() || undefined), true);
  };
  return (
    <section>
      <h1>Events{wanted ? ` of ${wanted}` : ''}</h1>
      <form class="filters" role="search" onSubmit={apply}>
        <label>Request id <input type="search" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Filter</button>
        {wanted && <Link to={href.events()}>Show all</Link>}
      </form>
      <p class="hint">Events since this page opened. {gaps > 0 ? `The stream was interrupted ${gaps} time(s); events during a long outage may be missing.` : ''}</p>
      {shown.length === 0 ? <p>No event yet.</p> : (
        <ol class="events" aria-live="polite" aria-relevant="additions">
          {shown.map((e) => {
            const rid = requestIdOf(e);
            return (
              <li key={e.id}>
                <time dateTime={new Date(e.at).toISOString()}>{new Date(e.at).toLocaleTimeString()}</time>{' '}
                <code>{e.type}</code>{' '}
                {rid && <Link to={href.request(rid)}>{rid}</Link>}{' '}
                <span class="msg">{describeEvent(e)}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
