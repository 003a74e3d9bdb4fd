/**
 * Griddle's wire contract: the JSON the scheduler serves and its clients (CLI, console, tests)
 * read. It depends on nothing but the Mesos protocol types, so either side can change its
 * internals without touching the other.
 */
export * from './singularity';
export * from './singularity-views';
export * from './sidecar';
export * from './events';
export * from './singularity-more';
export * from './singularity-state';
export * from './singularity-keys';
export * from './task-id';
export * from './operations';
export * from './singularity-machines';
export * from './singularity-disasters';
export * from './singularity-usage';
export * from './shell-command-messages';
export * from './container-name';
export * from './task-statistics';
export * from './singularity-logs';
export * from './console';
export * from './sse-parser';
