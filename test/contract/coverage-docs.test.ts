import { coverageDocs, singularityEndpoints, webUiDocs } from './endpoints';
import { ROW_FILES, allRows } from './rows';

/**
 * docs/api.md's "Singularity coverage" tables say what the contract rows prove: served = an
 * endpoint with rows none of which is `partial`, partly served = one with a `partial` row, not
 * served = the rest of the Java client's endpoints; the counts in its prose match the tables.
 */

const javaClient = new Set(singularityEndpoints().filter((e) => e.javaClient).map((e) => e.key));
const rows = allRows().filter((r) => javaClient.has(r.endpoint));
const partial = new Set(rows.filter((r) => r.partial).map((r) => r.endpoint));
const served = new Set(rows.map((r) => r.endpoint).filter((e) => !partial.has(e)));
const docs = coverageDocs();
const sorted = (xs: Iterable<string>): string[] => [...xs].sort();

describe('docs/api.md Singularity coverage', () => {
  it('"Served" lists the endpoints whose rows are all complete', () => {
    expect(sorted(docs.served)).toEqual(sorted(served));
  });

  it('"Partly served" lists the endpoints with a partial row', () => {
    expect(sorted(docs.partly)).toEqual(sorted(partial));
  });

  it('"Not served" lists only endpoints the Java client calls, each once', () => {
    expect(docs.notServed.filter((e) => !javaClient.has(e))).toEqual([]);
    expect(new Set(docs.notServed).size).toBe(docs.notServed.length);
  });

  it('states counts that match the tables and add up to every Java client endpoint', () => {
    expect(docs.stated).toEqual({
      total: javaClient.size,
      served: docs.served.length,
      partly: docs.partly.length,
      notServed: docs.notServed.length,
    });
    expect(docs.served.length + docs.partly.length + docs.notServed.length).toBe(javaClient.size);
  });
});

describe('docs/api.md Web UI page loads', () => {
  const table = webUiDocs();
  const uiRows = ROW_FILES['web-ui'];
  const known = new Set(singularityEndpoints().map((e) => e.key));
  const withRows = new Set(allRows().map((r) => r.endpoint));
  const partlyRows = new Set(uiRows.filter((r) => r.partial).map((r) => r.endpoint));

  it('lists Singularity endpoints, each once', () => {
    expect(table.length).toBeGreaterThan(20);
    expect(table.filter((c) => !known.has(c.endpoint))).toEqual([]);
    expect(new Set(table.map((c) => c.endpoint)).size).toBe(table.length);
  });

  it('has a contract row for every call, in web-ui.ts unless it says its rows are elsewhere', () => {
    expect(table.filter((c) => !withRows.has(c.endpoint))).toEqual([]);
    const inUiFile = new Set(uiRows.map((r) => r.endpoint));
    expect(table.filter((c) => !c.served.includes('rows elsewhere') && !inUiFile.has(c.endpoint)).map((c) => c.endpoint)).toEqual([]);
    expect([...inUiFile].filter((e) => !table.some((c) => c.endpoint === e))).toEqual([]);
  });

  it('says "partly" exactly for the calls with a partial row', () => {
    expect(sorted(table.filter((c) => c.served.startsWith('partly')).map((c) => c.endpoint))).toEqual(sorted(partlyRows));
    expect(table.filter((c) => !c.served.startsWith('partly') && !c.served.startsWith('served')).map((c) => c.endpoint)).toEqual([]);
  });
});
