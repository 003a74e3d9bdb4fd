import type { Browser } from 'playwright-core';
import { startMesosLocal, type MesosLocal } from '../../../mesos-local';
import { ZkSession, ZkStateStore } from '../../../scheduler/state';
import { launchChromium, screenshot } from '../../support/browser';
import { ensureBuilt, ensureConsoleBuilt, until } from '../../support/kit';
import { removeTree, uniqueRoot, ZK_HOSTS } from '../../support/zookeeper';
import { quietLogger, serviceDeploy, serviceRequest } from './cluster-harness';
import { SchedulerProcess } from './scheduler-process';

/**
 * The web console served by a standby griddle-scheduler: it reads locally (the overview says
 * "Standby") and its writes reach the leader through the standby's forwarding.
 */
describe('the console on a standby scheduler', () => {
  const root = uniqueRoot('console-standby');
  let local: MesosLocal;
  let admin: ZkSession;
  let browser: Browser | undefined;
  const processes: SchedulerProcess[] = [];

  beforeAll(async () => {
    ensureBuilt();
    ensureConsoleBuilt();
    admin = await ZkSession.connect(ZK_HOSTS);
    local = await startMesosLocal({ port: 0, agents: 2, containerizer: 'simulated', allocationIntervalMs: 200, log: quietLogger('mesos-local') });
    const store = await ZkStateStore.open(`zk://${ZK_HOSTS}${root}`);
    store.put('deploys', 'web/d1', serviceDeploy('web'));
    store.put('requests', 'web', serviceRequest('web', 3));
    await store.close();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(processes.map((p) => p.kill('SIGTERM')));
    await local.stop();
    await removeTree(admin, root);
    admin.close();
  });

  it('shows the standby role and the requests, and a scale from it reaches the leader', async () => {
    const args = ['--zk', `zk://${ZK_HOSTS}${root}`, '--master', local.masterUrl];
    const leader = await SchedulerProcess.start(args);
    processes.push(leader);
    await until(async () => (await leader.healthz())?.role === 'leader', 'the leader', 30_000);
    const standby = await SchedulerProcess.start(args);
    processes.push(standby);
    expect((await standby.healthz())?.role).toBe('standby');

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${standby.url}/ui/`);
    await until(async () => /Standby/.test(await page.locator('main').innerText()) && /\bweb\b/.test(await page.locator('main').innerText()), 'the standby overview listing web', 60_000, { intervalMs: 250 });
    await page.getByRole('link', { name: 'web', exact: true }).click();
    await page.getByLabel('Instances').fill('2');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Scale' }).click();
    await until(async () => {
      const parent = await (await fetch(`${leader.url}/api/requests/request/web`)).json() as { request: { instances: number } };
      return parent.request.instances === 2;
    }, 'instances 2 on the leader', 30_000, { intervalMs: 250 });
    await page.getByText('✓ scaled to 2').waitFor();
    await screenshot(page, 'request-on-standby');
  }, 180_000);
});
