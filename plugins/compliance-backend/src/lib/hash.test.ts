import { hashOf, stableStringify } from './hash';

describe('stableStringify', () => {
  it('sorts object keys by code unit at every depth and drops undefined properties', () => {
    expect(
      stableStringify({
        b: 1,
        a: [{ z: true, y: null, x: undefined }, undefined, 'é'],
        B: { d: 'x', c: [] },
        é: 2,
        '10': 3,
        '9': 4,
      }),
    ).toBe(
      '{"10":3,"9":4,"B":{"c":[],"d":"x"},"a":[{"y":null,"z":true},null,"é"],"b":1,"é":2}',
    );
  });

  it('writes what JSON.stringify writes for primitives, and objects by their own keys', () => {
    expect(stableStringify(undefined)).toBe('null');
    expect(stableStringify(null)).toBe('null');
    expect(stableStringify('a"\n')).toBe(JSON.stringify('a"\n'));
    expect(stableStringify([NaN, Infinity, -0, 1.5])).toBe('[null,null,0,1.5]');
    expect(stableStringify(new Date(0))).toBe('{}');
    expect(stableStringify({ '': { 'a b': [[]] } })).toBe('{"":{"a b":[[]]}}');
  });

  it('gives equal values in another key order the same hash, and keeps stored hashes', () => {
    expect(hashOf({ a: 1, b: [2, { c: 3, d: 4 }] })).toBe(
      hashOf({ b: [2, { d: 4, c: 3 }], a: 1 }),
    );
    // sha256 of '{"a":1,"b":[2,{"c":3,"d":4}]}': hashes stored by earlier
    // versions stay comparable.
    expect(hashOf({ b: [2, { d: 4, c: 3 }], a: 1 })).toBe(
      require('node:crypto')
        .createHash('sha256')
        .update('{"a":1,"b":[2,{"c":3,"d":4}]}')
        .digest('hex'),
    );
  });
});
