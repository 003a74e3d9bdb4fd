export { runCli, type CliDeps } from './program';
export { loadSpec, parseSpec, SpecError, formatProblem, NMESOS_FORMAT_VERSION, type LoadedSpec, type SpecProblem } from './spec/spec-loader';
export { parsePortSpec, type PortSpec } from './spec/port-spec';
export { convert, requestIdFor, deployIdFor, normalizeId, type Conversion } from './convert/to-singularity';
export { ApiClient, ApiError, apiBase } from './api/api-client';
export { SseParser, type SseEvent } from './api/sse-parser';
export { EXIT } from './commands/context';
