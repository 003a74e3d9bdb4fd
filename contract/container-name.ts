/**
 * The Docker container griddle-executor runs a task in: `griddle-<taskId>`, anything Docker
 * refuses in a name turned into `_`. The executor names containers with it and the API reports
 * it as the task history's `containerId`, so both read it here. The executor imports this file
 * alone (not `contract/index`), to stay light.
 */
export function containerName(taskId: string): string {
  return `griddle-${taskId.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
}
