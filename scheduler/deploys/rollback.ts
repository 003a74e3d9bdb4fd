import type { DeployRecord } from '../model';

/**
 * The deploy a rollback redeploys: the one asked for, or else the newest SUCCEEDED deploy
 * created before the active one (a rollback of a rollback keeps walking back in time).
 */
export function pickRollbackSource(
  history: readonly DeployRecord[],
  activeDeployId: string | undefined,
  requested?: string,
): DeployRecord | undefined {
  if (requested) return history.find((d) => d.deploy.id === requested);
  const active = history.find((d) => d.deploy.id === activeDeployId);
  const activeSource = active?.rollbackOf ? history.find((d) => d.deploy.id === active.rollbackOf) : undefined;
  const before = (activeSource ?? active)?.createdAt ?? Number.POSITIVE_INFINITY;
  return history
    .filter((d) => d.result?.deployState === 'SUCCEEDED' && d.deploy.id !== activeDeployId && d.createdAt < before)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** A fresh deploy id for a rollback of `sourceId`: `<source>_rb<n>`, within Singularity's 50 characters. */
export function rollbackDeployId(sourceId: string, taken: ReadonlySet<string>): string {
  const base = sourceId.replace(/_rb\d+$/, '');
  for (let n = 1; ; n++) {
    const suffix = `_rb${n}`;
    const id = base.slice(0, 50 - suffix.length) + suffix;
    if (!taken.has(id)) return id;
  }
}
