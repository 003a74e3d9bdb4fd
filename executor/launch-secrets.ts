/**
 * Every Vault value a launch needs, in one round of Vault calls: the `vault://` values of all
 * env sources (executor env, task env, docker `env` parameters) and the registry credential
 * that EXECUTOR_REGISTRY_AUTH names. All of them go through the task's allow-list.
 */
import type { Logger } from '../common';
import type { TaskInfo } from '../mesos-proto';
import type { ExecutorSettings, VaultSettings } from './config';
import { envSources, taskIdentity } from './container-spec';
import { envVaultReferences } from './task-environment';
import { expandAllowList, isVaultRef, parseVaultRef } from './vault-paths';
import { resolveSecrets } from './vault-resolver';
import type { VaultTokenKeeper } from './vault-token-keeper';

export const REGISTRY_AUTH_SETTING = 'EXECUTOR_REGISTRY_AUTH';

export interface LaunchSecrets {
  /** `vault://` reference → value. */
  byRef: Map<string, string>;
  /** The registry credential's value, when EXECUTOR_REGISTRY_AUTH is set. */
  registryAuth: string | undefined;
  /** Every value, for redaction. */
  values: string[];
  tokenKeeper: VaultTokenKeeper | null;
}

export async function resolveLaunchSecrets(task: TaskInfo, settings: ExecutorSettings, vault: VaultSettings, log: Logger): Promise<LaunchSecrets> {
  const refs = envVaultReferences(envSources(task));
  if (settings.registryAuth !== undefined) {
    if (!isVaultRef(settings.registryAuth)) {
      throw new Error(`${REGISTRY_AUTH_SETTING} must be a vault:// reference (a registry password does not belong in a spec)`);
    }
    refs.push([REGISTRY_AUTH_SETTING, settings.registryAuth]);
  }
  if (refs.length === 0) return { byRef: new Map(), registryAuth: undefined, values: [], tokenKeeper: null };
  // The same env name may hold different references in two sources: names are made unique so
  // that each value comes back under its own name.
  const used = new Map<string, number>();
  const named = refs.map(([name, ref]) => {
    const n = (used.get(name) ?? 0) + 1;
    used.set(name, n);
    return { name: n === 1 ? name : `${name} (#${n})`, value: ref };
  });
  const requests = named.map(({ name, value }) => {
    try {
      return { name, ref: parseVaultRef(value) };
    } catch (err) {
      throw new Error(`vault: env ${name}: ${(err as Error).message}`, { cause: err });
    }
  });
  const allowList = expandAllowList(settings.vaultAllowedPaths, taskIdentity(task));
  try {
    const { values, tokenKeeper } = await resolveSecrets(requests, allowList, vault, log);
    const byRef = new Map(named.map(({ name, value }) => [value, values.get(name) ?? '']));
    return { byRef, registryAuth: settings.registryAuth && byRef.get(settings.registryAuth), values: [...values.values()], tokenKeeper };
  } catch (err) {
    throw new Error(`vault: ${(err as Error).message}`, { cause: err });
  }
}
