import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { type SingularityWebhookSummary, WEBHOOK_TYPES, type WebhookType } from '../../contract/operations';
import { ActionButton, age, api, canWrite, enc, ErrorNote, time, useLive, useSession } from '../ui';

/** What a failing webhook's delivery looks like, in words. */
function delivery(s: SingularityWebhookSummary): string {
  if (s.failures) return `✗ failing (${s.failures} attempt${s.failures === 1 ? '' : 's'}), next ${s.nextAttemptAt === undefined ? '–' : time(s.nextAttemptAt)}`;
  return s.lastDeliveredAt === undefined ? '– nothing delivered yet' : `✓ delivered ${age(s.lastDeliveredAt)} ago`;
}

function AddWebhook(props: { onChange: () => void }): JSX.Element {
  const [uri, setUri] = useState('');
  const [type, setType] = useState<WebhookType>('DEPLOY');
  const valid = /^https?:\/\/\S+$/.test(uri.trim());
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()} aria-labelledby="add-webhook-h">
      <h2 id="add-webhook-h" class="visually-hidden">Add a webhook</h2>
      <label>URL <input type="url" value={uri} placeholder="http://hooks:8080/deploys" onInput={(e) => setUri((e.target as HTMLInputElement).value)} /></label>
      <label>Type <select value={type} onChange={(e) => setType((e.target as HTMLSelectElement).value as WebhookType)}>
        {WEBHOOK_TYPES.map((t) => <option value={t}>{t.toLowerCase()}</option>)}
      </select></label>
      <ActionButton label="Add webhook" disabled={!valid} onResult={props.onChange} done={`${type.toLowerCase()} updates now go to ${uri.trim()}`}
        run={() => api('/webhooks', { method: 'POST', body: { uri: uri.trim(), type } })} />
      {!valid && uri.trim() !== '' && <span class="error-text">The URL must start with http:// or https://</span>}
    </form>
  );
}

/** Registered webhooks with their queue and delivery state; add and delete for a writer. */
export function WebhooksPage(): JSX.Element {
  const live = useLive('webhooks', () => api<SingularityWebhookSummary[]>('/webhooks/summary'), () => false, 5000);
  const session = useSession();
  const hooks = live.data ?? [];
  return (
    <section>
      <h1>Webhooks</h1>
      <p class="hint">Each update is POSTed as JSON, at least once and in order per webhook; a failing endpoint is retried with backoff and only grows its own queue.</p>
      <ErrorNote error={live.error} />
      {canWrite(session) && <AddWebhook onChange={live.reload} />}
      {!live.data && !live.error && <p role="status">Loading…</p>}
      {live.data && hooks.length === 0 && <p>No webhook is registered.</p>}
      {hooks.length > 0 && (
        <div class="scroller" tabIndex={0} role="region" aria-label="Webhooks (scrollable)">
          <table class="grid">
            <thead><tr><th scope="col">URL</th><th scope="col">Type</th><th scope="col">Queued</th><th scope="col">Delivery</th><th scope="col">Last error</th><th scope="col">Dropped</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              {hooks.map((s) => (
                <tr key={s.webhook.id} data-webhook={s.webhook.id}>
                  <td class="break">{s.webhook.uri}</td>
                  <td>{s.webhook.type.toLowerCase()}</td>
                  <td>{s.queueSize}</td>
                  <td>{delivery(s)}</td>
                  <td class="wrap">{s.lastError ? `${s.lastError} (${s.lastErrorAt === undefined ? '–' : time(s.lastErrorAt)})` : '–'}</td>
                  <td>{s.dropped ?? 0}</td>
                  <td>{canWrite(session) && (
                    <ActionButton label="Delete" danger onResult={live.reload} done="deleted"
                      confirm={`Delete the ${s.webhook.type.toLowerCase()} webhook to ${s.webhook.uri}: its ${s.queueSize} queued update(s) are dropped and nothing more is sent.`}
                      run={() => api(`/webhooks?webhookId=${enc(s.webhook.id)}`, { method: 'DELETE' })} />
                  )}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
