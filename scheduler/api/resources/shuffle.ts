import type { Router } from 'express';
import { idParam } from '../api-context';
import { isRequestId } from '../ids';

/**
 * Singularity's ShuffleConfigurationResource read: whether a request is opted out of task
 * shuffling (Singularity moves tasks off agents short of CPU or memory; a request on the list is
 * never moved). Griddle never moves a running task to relieve an agent, so every request is, in
 * effect, left in place and none is on an opt-out list: `false`. Singularity's web UI reads this
 * when a request page opens. The list's writes are not served: there is no shuffling to opt out of.
 */
export function registerShuffle(router: Router): void {
  router.get('/shuffle/blacklist/:requestId', (req, res) => {
    idParam(req, 'requestId', isRequestId, 'request');
    res.json(false);
  });
}
