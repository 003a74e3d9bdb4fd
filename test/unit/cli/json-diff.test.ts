import { diffJson, renderChanges } from '../../../cli/output/json-diff';

const plain = { added: (s: string) => s, removed: (s: string) => s, changed: (s: string) => s };

describe('diffJson', () => {
  it.each<[string, unknown, unknown, string[]]>([
    ['equal', { a: 1, b: [1, { c: 2 }] }, { a: 1, b: [1, { c: 2 }] }, []],
    ['a changed scalar', { a: 1 }, { a: 2 }, ['~ a: 1 → 2']],
    ['nested change by path', { c: { d: { image: 'x:1' } } }, { c: { d: { image: 'x:2' } } }, ['~ c.d.image: "x:1" → "x:2"']],
    ['added and removed keys', { a: 1 }, { b: 2 }, ['- a: 1', '+ b: 2']],
    ['a new block shows its leaves', {}, { r: { cpus: 1, mem: 2 } }, ['+ r.cpus: 1', '+ r.mem: 2']],
    ['array items by index', { p: [1, 2] }, { p: [1, 3, 4] }, ['~ p[1]: 2 → 3', '+ p[2]: 4']],
    ['objects in arrays', { p: [{ port: 1 }] }, { p: [{ port: 2 }] }, ['~ p[0].port: 1 → 2']],
    ['type change', { a: '1' }, { a: 1 }, ['~ a: "1" → 1']],
  ])('%s', (_name, before, after, lines) => {
    expect(renderChanges(diffJson(before, after), plain, '')).toEqual(lines);
  });
});
