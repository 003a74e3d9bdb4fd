/** Reading a FrameworkInfo: the checks Mesos makes on SUBSCRIBE and UPDATE_FRAMEWORK, its capabilities, its role. */
import type { FrameworkInfo } from '../mesos-proto';

export function validateFrameworkInfo(info: FrameworkInfo): string | null {
  if (info.role !== undefined && info.roles !== undefined && info.roles.length > 0) {
    return "'FrameworkInfo.role' must not be set when 'FrameworkInfo.roles' is set";
  }
  if (info.failover_timeout !== undefined && (Number.isNaN(info.failover_timeout) || info.failover_timeout < 0)) {
    return "'FrameworkInfo.failover_timeout' must be a non-negative number of seconds";
  }
  if ((info.roles?.length ?? 0) > 0 && !hasCapability(info, 'MULTI_ROLE')) {
    return "'FrameworkInfo.roles' is set but the framework lacks the MULTI_ROLE capability";
  }
  return null;
}

export function hasCapability(info: FrameworkInfo, type: string): boolean {
  return (info.capabilities ?? []).some((c) => c.type === type);
}

export function frameworkRole(info: FrameworkInfo): string {
  return info.roles?.[0] ?? info.role ?? '*';
}
