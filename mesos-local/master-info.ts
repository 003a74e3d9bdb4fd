/** The MasterInfo this master announces (SUBSCRIBED, ZooKeeper, /master/state) and the Mesos version it claims. */
import type { MasterInfo } from '../mesos-proto';

export const MESOS_VERSION = '1.11.0';

export function masterInfo(id: string, hostname: string, ip: string, port: number): MasterInfo {
  return {
    id,
    ip: ipToNetworkOrderInt(ip),
    port,
    pid: `master@${ip}:${port}`,
    hostname,
    version: MESOS_VERSION,
    address: { hostname, ip, port },
  };
}

/** MasterInfo.ip is the IPv4 address as a uint32 in network byte order (MESOS-1201). */
function ipToNetworkOrderInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0;
  return ((parts[3] << 24) >>> 0) + (parts[2] << 16) + (parts[1] << 8) + parts[0];
}
