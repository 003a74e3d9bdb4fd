export { AgentsPage } from './agents';
export { DiscoveryPage } from './discovery';
export { EventsPage } from './events';
export { LoginPage } from './login';
export { OverviewPage } from './overview';
export { RequestPage } from './request';
export { TaskPage } from './task';
export { WebhooksPage } from './webhooks';
