import { Catalog, snapshotPages } from '../../../scheduler/discovery';
import { taskRecord } from '../../support/task-fixtures';

describe('snapshotPages', () => {
  const catalog = new Catalog({ now: () => 1 });
  for (let i = 0; i < 5; i++) catalog.applyTask(taskRecord(`t${i}`, { state: 'TASK_RUNNING', healthy: true, ports: [31000 + i] }));

  it('splits the endpoints into pages, more on all but the last, every endpoint once', () => {
    const pages = snapshotPages(9, catalog.list(), 2);
    expect(pages.map((p) => [p.revision, p.endpoints.map((e) => e.taskId), p.more])).toEqual([
      [9, ['t0', 't1'], true], [9, ['t2', 't3'], true], [9, ['t4'], undefined],
    ]);
  });

  it('sends one page for a catalog that fits, and one empty page for an empty catalog', () => {
    expect(snapshotPages(3, catalog.list())).toHaveLength(1);
    expect(snapshotPages(0, [])).toEqual([{ revision: 0, endpoints: [] }]);
  });
});
