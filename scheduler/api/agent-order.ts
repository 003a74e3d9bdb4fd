/** The fields an agent is sorted by. */
export interface NamedAgent { agentId: string; hostname: string }

/**
 * Agents by hostname, then id. The order is kept while the set of agents and their hostnames
 * stay the same (each offer replaces an agent's record, rarely its name), so a call checks
 * them in one pass instead of sorting with localeCompare again.
 */
export class AgentOrder {
  private order: string[] = [];
  private readonly hosts = new Map<string, string>();
  /** Sorts done so far. */
  sorts = 0;

  sorted<A extends NamedAgent>(agents: ReadonlyMap<string, A>): A[] {
    if (!this.unchanged(agents)) {
      this.sorts++;
      const all = [...agents.values()].sort((a, b) => a.hostname.localeCompare(b.hostname) || a.agentId.localeCompare(b.agentId));
      this.order = all.map((a) => a.agentId);
      this.hosts.clear();
      for (const a of all) this.hosts.set(a.agentId, a.hostname);
      return all;
    }
    return this.order.map((id) => agents.get(id) as A);
  }

  private unchanged(agents: ReadonlyMap<string, NamedAgent>): boolean {
    if (agents.size !== this.hosts.size) return false;
    for (const [id, a] of agents) if (this.hosts.get(id) !== a.hostname || a.agentId !== id) return false;
    return true;
  }
}
