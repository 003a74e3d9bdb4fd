/**
 * Nmesos's `after_deploy` chains, planned before anything is released: the `on_success` jobs
 * of the released service, then theirs, breadth-first, in the same environment; each with its
 * own `tag` or the release's, and forced (a job's tag was usually released before). Only the
 * first service's `on_failure` counts, as in Nmesos. Every spec of the chain is read first, so
 * a broken one stops the chain before the first deploy.
 */

export interface AfterDeployJob { service_name: string; tag?: string }
export interface AfterDeploy { on_success?: AfterDeployJob[]; on_failure?: AfterDeployJob }

export interface ChainStep<S> {
  service: string;
  tag: string;
  /** The first step is forced only when the user said so; chained jobs always are. */
  force: boolean;
  /** The service whose `after_deploy` asked for this one (none for the first). */
  via?: string;
  spec: S;
}

export interface ChainPlan<S> { steps: ChainStep<S>[]; onFailure?: ChainStep<S> }

export class ChainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainError';
  }
}

export interface ChainRoot { service: string; tag: string; force: boolean }

/**
 * `read(service)` loads a service's spec (throwing on a bad one) and names its after_deploy.
 * `key` says when two names are the same service (`team/api` and `api` are).
 */
export function planChain<S>(
  root: ChainRoot,
  read: (service: string) => { spec: S; afterDeploy?: AfterDeploy },
  key: (service: string) => string = (s) => s,
): ChainPlan<S> {
  const first = read(root.service);
  const steps: ChainStep<S>[] = [{ ...root, spec: first.spec }];
  const parents = new Map<string, string | undefined>([[key(root.service), undefined]]);
  const queue: { job: AfterDeployJob; via: string; afterDeploy?: AfterDeploy }[] = [];
  const enqueue = (via: string, afterDeploy?: AfterDeploy): void => {
    for (const job of afterDeploy?.on_success ?? []) queue.push({ job, via });
  };
  enqueue(root.service, first.afterDeploy);
  while (queue.length > 0) {
    const { job, via } = queue.shift()!;
    const k = key(job.service_name);
    if (parents.has(k)) {
      throw new ChainError(`after_deploy: ${job.service_name} appears more than once in the chain (${pathTo(parents, key(via)).join(' → ')} → ${job.service_name}); a chain must not loop or release a service twice`);
    }
    parents.set(k, key(via));
    const next = read(job.service_name);
    steps.push({ service: job.service_name, tag: job.tag ?? root.tag, force: true, via, spec: next.spec });
    enqueue(job.service_name, next.afterDeploy);
  }
  const failJob = first.afterDeploy?.on_failure;
  const onFailure = failJob && { service: failJob.service_name, tag: failJob.tag ?? root.tag, force: true, via: root.service, spec: read(failJob.service_name).spec };
  return { steps, onFailure };
}

function pathTo(parents: Map<string, string | undefined>, from: string): string[] {
  const out: string[] = [];
  for (let at: string | undefined = from; at !== undefined && out.length <= parents.size; at = parents.get(at)) out.unshift(at);
  return out;
}
