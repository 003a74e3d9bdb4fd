export { createApiRouter, type ApiOptions, type ApiRouter } from './router';
export { loadTokens, parseTokens, authMiddleware, type TokenTable, type Scope } from './auth';
export { singularityRequestSchema, singularityRequestInput } from './request-schema';
export { singularityDeploySchema, singularityDeployInput, deployRequestSchema } from './deploy-schema';
export { openApiDocument } from './resources/openapi';
export { EventHub, type HubEvent } from './event-hub';
export { HttpError, parseInput } from './http-errors';
export { isRequestId, isDeployId, isTaskId } from './ids';
export { singularityWireHeaders } from './wire-headers';
