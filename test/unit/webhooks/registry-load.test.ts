import { MemoryStateStore } from '../../../scheduler/state';
import { DEFAULT_DELIVERY_POLICY } from '../../../scheduler/webhooks/queue-policy';
import { WebhookRegistry } from '../../../scheduler/webhooks/registry';

/**
 * Loading the webhooks (at start, on becoming leader) replaces what is held with the store's
 * contents. What is added or queued while that read is under way must survive it.
 */
describe('WebhookRegistry.load beside changes', () => {
  it('keeps an update queued while the store was being read', async () => {
    const store = new MemoryStateStore();
    const registry = new WebhookRegistry(store, DEFAULT_DELIVERY_POLICY);
    const { webhook } = registry.add({ uri: 'http://127.0.0.1:9/hook', type: 'REQUEST' }, 1000);
    await store.flush();
    const loading = registry.load();
    // The API's request creation, in the same turn as the load's read.
    expect(registry.enqueue('REQUEST', { eventType: 'CREATED' }, 2000)).toEqual([webhook.id]);
    await loading;
    expect(registry.queue(webhook.id).map((u) => u.payload)).toEqual([{ eventType: 'CREATED' }]);
  });

  it('keeps a webhook added while the store was being read', async () => {
    const store = new MemoryStateStore();
    const registry = new WebhookRegistry(store, DEFAULT_DELIVERY_POLICY);
    const loading = registry.load();
    registry.add({ uri: 'http://127.0.0.1:9/late', type: 'TASK' }, 1000);
    await loading;
    expect(registry.list().map((h) => h.uri)).toEqual(['http://127.0.0.1:9/late']);
  });

  it('still replaces memory with the store: what another leader delivered is gone after a load', async () => {
    const store = new MemoryStateStore();
    const registry = new WebhookRegistry(store, DEFAULT_DELIVERY_POLICY);
    const { webhook } = registry.add({ uri: 'http://127.0.0.1:9/hook', type: 'DEPLOY' }, 1000);
    registry.enqueue('DEPLOY', { n: 1 }, 1000);
    await store.flush();
    // Another leader delivered it and deleted it from the store.
    const other = new WebhookRegistry(store, DEFAULT_DELIVERY_POLICY);
    await other.load();
    other.ack(other.queue(webhook.id)[0]);
    await registry.load();
    expect(registry.queue(webhook.id)).toEqual([]);
  });
});
