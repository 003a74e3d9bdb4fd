/** Mesos's common::validation::validateExecutorCall: what the agent answers 400 to before looking at its executors. */
import { isValidUuidBase64, type ExecutorCall } from '../mesos-proto';

export function validateExecutorCall(call: ExecutorCall): string | null {
  if (call.type === undefined) return "Expecting 'type' to be present";
  switch (call.type) {
    case 'SUBSCRIBE':
      return call.subscribe ? null : "Expecting 'subscribe' to be present";
    case 'UPDATE': {
      if (!call.update) return "Expecting 'update' to be present";
      const status = call.update.status;
      if (status.uuid === undefined) return "Expecting 'uuid' to be present";
      if (!isValidUuidBase64(status.uuid)) return 'Not a valid UUID';
      if (status.executor_id && status.executor_id.value !== call.executor_id.value) {
        return `ExecutorID in Call: ${call.executor_id.value} does not match ExecutorID in TaskStatus: ${status.executor_id.value}`;
      }
      if (status.source !== 'SOURCE_EXECUTOR') {
        return `Received Call from executor ${call.executor_id.value} of framework ${call.framework_id.value} with invalid source, expecting 'SOURCE_EXECUTOR'`;
      }
      if (status.state === 'TASK_STAGING') {
        return `Received TASK_STAGING from executor ${call.executor_id.value} of framework ${call.framework_id.value} which is not allowed`;
      }
      return null;
    }
    case 'MESSAGE':
      return call.message ? null : "Expecting 'message' to be present";
    default:
      return null;
  }
}
