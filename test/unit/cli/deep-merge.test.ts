import { deepMerge, type PlainValue } from '../../../cli/spec/deep-merge';

describe('deepMerge (common into an environment)', () => {
  it.each<[string, PlainValue | undefined, PlainValue | undefined, PlainValue | undefined]>([
    ['environment scalar wins', { a: 1 }, { a: 2 }, { a: 2 }],
    ['keys from both', { a: 1 }, { b: 2 }, { a: 1, b: 2 }],
    ['nested maps merge', { r: { cpus: 1, mem: 64 } }, { r: { mem: 128 } }, { r: { cpus: 1, mem: 128 } }],
    ['lists union, the environment\'s items first (Nmesos\'s order)', { p: [8080, 8081] }, { p: [8081, 9000] }, { p: [8081, 9000, 8080] }],
    ['duplicates within a list go too', { p: [1] }, { p: [2, 2, 1] }, { p: [2, 1] }],
    ['null in the environment keeps common', { a: 1 }, { a: null }, { a: 1 }],
    ['no environment block', { a: 1 }, undefined, { a: 1 }],
    ['no common block', undefined, { a: 1 }, { a: 1 }],
    ['a map replaces a scalar', { a: 1 }, { a: { b: 2 } }, { a: { b: 2 } }],
    ['three levels', { s: { x: { y: 1, z: 2 } } }, { s: { x: { z: 3 } } }, { s: { x: { y: 1, z: 3 } } }],
  ])('%s', (_name, common, environment, expected) => {
    expect(deepMerge(common, environment)).toEqual(expected);
  });

  it('does not modify its inputs', () => {
    const common = { r: { cpus: 1 } };
    deepMerge(common, { r: { cpus: 2 } });
    expect(common).toEqual({ r: { cpus: 1 } });
  });
});
