/** A TaskInfo the executor cannot run as written: the task fails with this message. */
export class TaskSpecError extends Error {}
