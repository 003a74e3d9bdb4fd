import fs from 'node:fs';
import path from 'node:path';
import { useHarness } from '../support/api-harness';
import { contractContext } from './contract-context';
import { type ContractRow, fillPath, missingKeys } from './contract-row';
import { coverageDocs, singularityEndpoints } from './endpoints';
import { ROW_FILES, allRows } from './rows';

/**
 * Singularity's Java client against Griddle's API: every row of `rows/` (format: contract-row.ts)
 * is called as the client calls it and its answer checked; every endpoint the client calls has
 * a row or is listed in docs/api.md as not served.
 */

const endpoints = singularityEndpoints();
const known = new Set(endpoints.map((e) => e.key));
const javaClient = endpoints.filter((e) => e.javaClient).map((e) => e.key);
const rows = allRows();
const docs = coverageDocs();

describe('the contract table', () => {
  it('reads the fixture', () => {
    expect(javaClient.length).toBeGreaterThan(90);
  });

  it('lists every file of rows/ in rows/index.ts', () => {
    const files = fs.readdirSync(path.join(__dirname, 'rows')).filter((f) => /\.[jt]s$/.test(f) && !f.endsWith('.d.ts') && !/^index\./.test(f));
    expect(files.map((f) => f.replace(/\.[jt]s$/, '')).sort()).toEqual(Object.keys(ROW_FILES).sort());
  });

  it('names only endpoints Singularity has', () => {
    expect(rows.map((r) => r.endpoint).filter((e) => !known.has(e))).toEqual([]);
  });

  it('covers every endpoint the Java client calls: a row, or docs/api.md says why it is not served', () => {
    const covered = new Set([...rows.map((r) => r.endpoint), ...docs.notServed]);
    expect(javaClient.filter((e) => !covered.has(e))).toEqual([]);
  });

  it('has no endpoint both served (a row) and listed as not served', () => {
    const served = new Set(rows.map((r) => r.endpoint));
    expect(docs.notServed.filter((e) => served.has(e))).toEqual([]);
  });
});

const h = useHarness();
const c = contractContext(h);
afterAll(() => c.close());

const title = (r: ContractRow): string => `${r.endpoint}${r.name ? ` (${r.name})` : ''} → ${r.status}`;

describe('calls shaped like the Java client’s', () => {
  it.each(rows.map((r) => [title(r), r] as const))('%s', async (_title, row) => {
    try {
      const params = row.params ? await row.params(c) : {};
      const [method, template] = row.endpoint.split(' ');
      const query = row.query ? `?${new URLSearchParams(row.query)}` : '';
      const body = typeof row.body === 'function' ? row.body(params) : row.body;
      const res = await c.call(method, `${fillPath(template, params)}${query}`, body);
      expect({ status: res.status, body: res.status === row.status ? undefined : res.text }).toEqual({ status: row.status, body: undefined });
      if (res.text !== '') expect(res.headers.get('content-type')).toBe('application/json');
      expect(missingKeys(row.shape, res.json, res.text)).toEqual([]);
      row.check?.(res, params);
    } finally {
      await row.after?.(c);
    }
  });
});
