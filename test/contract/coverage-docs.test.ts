import { coverageDocs, singularityEndpoints } from './endpoints';
import { allRows } from './rows';

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
