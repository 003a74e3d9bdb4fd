import { appendChunk, canonicalJson, sideBySide, tailStart } from '../../../console/state';

describe('the side-by-side diff of two deploy definitions', () => {
  it('pairs changed lines and keeps unchanged ones aligned', () => {
    const rows = sideBySide('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(rows).toEqual([
      { left: 'a', right: 'a', kind: 'same' },
      { left: 'b', right: 'B', kind: 'changed' },
      { left: 'c', right: 'c', kind: 'same' },
      { left: 'd', right: 'd', kind: 'same' },
      { left: undefined, right: 'e', kind: 'added' },
    ]);
  });

  it('shows a removed line on the left only', () => {
    expect(sideBySide('x\ny', 'y')).toEqual([{ left: 'x', right: undefined, kind: 'removed' }, { left: 'y', right: 'y', kind: 'same' }]);
  });

  it('renders definitions with sorted keys, so key order is no difference', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: [2, { e: 0, f: 1 }] }, b: 1 }));
    expect(sideBySide(canonicalJson({ image: 'x:1', cpus: 1 }), canonicalJson({ cpus: 1, image: 'x:2' })).filter((r) => r.kind !== 'same'))
      .toEqual([{ left: '  "image": "x:1"', right: '  "image": "x:2"', kind: 'changed' }]);
  });
});

describe('the sandbox log tail', () => {
  it('starts near the end of a large file and at 0 for a small one', () => {
    expect(tailStart(100_000, 20_000)).toBe(80_000);
    expect(tailStart(500, 20_000)).toBe(0);
  });

  it('appends chunks that continue where it stopped and caps the text at max characters', () => {
    let t = { text: '', nextOffset: 0, truncated: false };
    t = appendChunk(t, { data: 'hello ', offset: 0, nextOffset: 6 }, 10);
    t = appendChunk(t, { data: 'world!', offset: 6, nextOffset: 12 }, 10);
    expect(t).toEqual({ text: 'llo world!', nextOffset: 12, truncated: true });
  });

  it('replaces the text when a chunk comes from another offset, and says the start is missing', () => {
    const t = appendChunk({ text: 'old', nextOffset: 3, truncated: false }, { data: 'new', offset: 80_000, nextOffset: 80_003 });
    expect(t).toEqual({ text: 'new', nextOffset: 80_003, truncated: true });
  });
});
