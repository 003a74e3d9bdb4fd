export { Webhooks, type WebhooksOptions } from './webhooks';
export { WebhookRegistry, webhookId, javaUrlEncode, type QueuedUpdate } from './registry';
export { WebhookDelivery, postJson, type PostJson, type DeliveryStatus } from './delivery';
export * from './queue-policy';
export { deployUpdate, taskUpdate } from './shapes';
