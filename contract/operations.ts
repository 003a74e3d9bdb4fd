/**
 * Operations shapes: Singularity's webhooks (WebhookResource) and, re-exported, the expiring
 * request actions. The CLI and tests read these; the scheduler serves and POSTs them.
 */
import type { SingularityDeployMarker, SingularityDeployResult, SingularityDeployView } from './singularity-views';

export * from './expiring';

export type WebhookType = 'REQUEST' | 'DEPLOY' | 'TASK';
export const WEBHOOK_TYPES: readonly WebhookType[] = ['REQUEST', 'DEPLOY', 'TASK'];

/** SingularityWebhook: the id is derived from type and URI, as Singularity does. */
export interface SingularityWebhook {
  id: string;
  uri: string;
  type: WebhookType;
  user?: string;
  timestamp: number;
}

/** SingularityWebhookSummary (`queueSize`), plus Griddle's delivery state for operators. */
export interface SingularityWebhookSummary {
  webhook: SingularityWebhook;
  queueSize: number;
  /** Griddle: the last failed attempt's error and time; kept after a delivery (`failures` says whether it still fails). */
  lastError?: string;
  lastErrorAt?: number;
  /** Griddle: consecutive failed attempts, and when the next one is due. */
  failures?: number;
  nextAttemptAt?: number;
  lastDeliveredAt?: number;
  /** Griddle: updates dropped (oldest first) because the queue was full. */
  dropped?: number;
}

/** SingularityDeployUpdate: what a DEPLOY webhook receives. */
export interface SingularityDeployUpdate {
  deployMarker: SingularityDeployMarker;
  deploy?: SingularityDeployView;
  eventType: 'STARTING' | 'FINISHED';
  deployResult?: SingularityDeployResult;
}

/** Singularity's SingularityCreateResult and SingularityDeleteResult are enums: bare JSON strings. */
export type SingularityCreateResult = 'CREATED' | 'EXISTED';
export type SingularityDeleteResult = 'DELETED' | 'DIDNT_EXIST';
