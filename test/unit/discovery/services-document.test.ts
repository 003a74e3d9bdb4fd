import { Catalog, servicesByName } from '../../../scheduler/discovery';
import { ServicesDocument } from '../../../scheduler/discovery/services-document';
import { demoTaskInfo, taskRecord } from '../../support/task-fixtures';

function task(id: string, service: string, healthy: boolean) {
  const info = demoTaskInfo(id, 31000, { labels: { labels: [{ key: 'griddle.service_name', value: service }] } });
  return taskRecord(id, { state: 'TASK_RUNNING', healthy, taskInfo: info });
}

describe('ServicesDocument', () => {
  it('always equals JSON of servicesByName(catalog.list()), change after change', () => {
    let t = 0;
    const catalog = new Catalog({ now: () => ++t, tombstoneTtlMs: 10 });
    const doc = new ServicesDocument(catalog);
    const same = (): void => expect(doc.render()).toBe(JSON.stringify(servicesByName(catalog.list())));
    same();
    catalog.applyTask(task('b1', 'beta', true));
    same();
    catalog.applyTask(task('a2', 'alpha', true));
    catalog.applyTask(task('a1', 'alpha', false));
    same();
    catalog.drain('a2');
    same();
    catalog.tombstone('b1');
    same();
    t += 100;
    expect(catalog.expireTombstones()).toHaveLength(1);
    same();
    expect(JSON.parse(doc.render())).not.toHaveProperty('beta');
    // A restore changes the catalog without change events: the document rebuilds.
    catalog.restore([{ ...catalog.get('a1')!, serviceName: 'gamma', revision: 50 }]);
    same();
    doc.close();
  });

  it('serializes only the endpoint that changed, not its service nor the catalog', () => {
    const catalog = new Catalog({ now: () => 1 });
    const doc = new ServicesDocument(catalog);
    for (let i = 0; i < 300; i++) catalog.applyTask(task(`t${i}`, `svc-${i % 3}`, true));
    doc.render();
    expect(doc.serializedEndpoints).toBe(300);
    catalog.applyTask(task('t7', 'svc-1', false));
    expect(doc.render()).toBe(JSON.stringify(servicesByName(catalog.list())));
    expect(doc.serializedEndpoints).toBe(301);
    catalog.drain('t8');
    catalog.applyTask(task('t9', 'svc-0', false));
    expect(doc.render()).toBe(JSON.stringify(servicesByName(catalog.list())));
    expect(doc.serializedEndpoints).toBe(303);
    // A render with nothing changed serializes nothing.
    doc.render();
    expect(doc.serializedEndpoints).toBe(303);
    doc.close();
  });
});
