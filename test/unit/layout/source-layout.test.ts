import fs from 'node:fs';
import path from 'node:path';

/**
 * The layout rules that keep the tree growing well: small files, no import cycles, and the CLI
 * and the scheduler meeting only in `contract/`. Checked on the sources, so a change that
 * breaks one fails here rather than in review.
 */
const ROOT = path.join(__dirname, '..', '..', '..');
const PRODUCT = ['common', 'contract', 'mesos-proto', 'mesos-local', 'scheduler', 'executor', 'cli', 'scripts', 'bench', 'console'];
const MAX_LINES = 400;

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourcesUnder(full));
    else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

const files = [...PRODUCT, 'test'].flatMap((d) => sourcesUnder(path.join(ROOT, d)));
const rel = (f: string): string => path.relative(ROOT, f);

/** Relative imports of a file, resolved to the files they name (type-only imports included). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import|require\()\s*'(\.{1,2}\/[^']*)'/g)) {
    const base = path.resolve(path.dirname(file), m[1]);
    const target = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
    if (target) out.push(target);
  }
  return out;
}

describe('source layout', () => {
  it(`has no source file over ${MAX_LINES} lines`, () => {
    const long = files
      .map((f) => ({ file: rel(f), lines: fs.readFileSync(f, 'utf8').split('\n').length - 1 }))
      .filter((f) => f.lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('has no import cycle', () => {
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      state.set(f, 'open');
      stack.push(f);
      for (const next of graph.get(f) ?? []) {
        if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next].map(rel).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of files) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it.each([
    ['cli', 'scheduler'], ['scheduler', 'cli'],
    ['contract', 'scheduler'], ['contract', 'cli'], ['contract', 'executor'], ['contract', 'mesos-local'],
    // The console runs in a browser: it meets the scheduler only through contract/'s shapes.
    ['console', 'scheduler'], ['console', 'cli'], ['console', 'common'], ['console', 'executor'], ['console', 'mesos-local'],
  ])('nothing in %s/ imports from %s/', (from, to) => {
    const offending = files
      .filter((f) => rel(f).startsWith(`${from}/`))
      .flatMap((f) => importsOf(f).filter((t) => rel(t).startsWith(`${to}/`)).map((t) => `${rel(f)} → ${rel(t)}`));
    expect(offending).toEqual([]);
  });

  it('finds the files it checks', () => {
    // A glob that matched nothing would make every rule above pass vacuously.
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => rel(f) === 'scheduler/core/scheduler.ts')).toBe(true);
  });
});
