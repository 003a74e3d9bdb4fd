import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/kit';

/** Singularity's endpoints (test/fixtures/singularity-endpoints.tsv) and what docs/api.md says of them. */

export interface Endpoint { resource: string; method: string; path: string; javaClient: boolean; key: string }

export function singularityEndpoints(): Endpoint[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'singularity-endpoints.tsv'), 'utf8');
  return text.split('\n').filter((l) => l && !l.startsWith('#') && !l.startsWith('resource\t')).map((line) => {
    const [resource, method, p, javaClient] = line.split('\t');
    return { resource, method, path: p, javaClient: javaClient?.trim() === 'yes', key: `${method} ${p}` };
  });
}

export interface CoverageDocs {
  served: string[];
  partly: string[];
  notServed: string[];
  /** The counts the prose states: `<n> served, <n> partly served, <n> not served`. */
  stated: { total: number; served: number; partly: number; notServed: number } | null;
}

/** `METHOD /api/...` in the first cell of each table row under the heading `### <title>` of docs/api.md. */
function tableUnder(doc: string, title: string): string[] {
  const start = doc.indexOf(`\n### ${title}\n`);
  if (start < 0) return [];
  const rest = doc.slice(start + title.length + 6);
  const end = rest.search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end);
  const out: string[] = [];
  for (const m of section.matchAll(/^\| `([A-Z]+ \/api\/[^`]*)` \|/gm)) out.push(m[1]);
  return out;
}

/** One row of docs/api.md's "Web UI page loads" table: the call and its last cell (served, partly…). */
export interface WebUiCall { endpoint: string; served: string }

export function webUiDocs(): WebUiCall[] {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const start = doc.indexOf('\n### Web UI page loads\n');
  if (start < 0) return [];
  const rest = doc.slice(start + 1);
  const end = rest.slice(4).search(/\n#{2,3} /);
  const section = end < 0 ? rest : rest.slice(0, end + 4);
  return [...section.matchAll(/^\| `([A-Z]+ \/api\/[^`]*)` \|.*\| ([^|]*) \|$/gm)].map((m) => ({ endpoint: m[1], served: m[2].trim() }));
}

export function coverageDocs(): CoverageDocs {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'api.md'), 'utf8');
  const m = /Of the (\d+) endpoints Singularity's Java client calls, (\d+) are served, (\d+) partly served and (\d+) not served/.exec(doc);
  return {
    served: tableUnder(doc, 'Served'),
    partly: tableUnder(doc, 'Partly served'),
    notServed: tableUnder(doc, 'Not served'),
    stated: m ? { total: Number(m[1]), served: Number(m[2]), partly: Number(m[3]), notServed: Number(m[4]) } : null,
  };
}
