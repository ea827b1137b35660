// Head controls: (keep, uniform) per mode, per batch row, and the InputError that names a bad head.
import { describe, expect, it } from 'vitest';
import { buildHeadControls, validateHeads } from '../../src/main/engine/head-controls';
import { isInputError } from '../../src/shared/errors';

const spec = { nLayers: 3, nHeads: 4 };
const at = (b: number, l: number, h: number) => (b * spec.nLayers + l) * spec.nHeads + h;

describe('buildHeadControls', () => {
  it('maps none/zero/mean to (1,0)/(0,0)/(0,1) on the listed heads only, row by row', () => {
    const { headKeep, headUniform } = buildHeadControls(spec, [
      { heads: [], mode: 'none' },
      { heads: [{ layer: 0, head: 1 }, { layer: 2, head: 3 }], mode: 'zero' },
      { heads: [{ layer: 1, head: 0 }], mode: 'mean' },
    ]);
    expect(headKeep.length).toBe(3 * 3 * 4);
    const expectedKeep = new Float32Array(36).fill(1);
    const expectedUniform = new Float32Array(36);
    expectedKeep[at(1, 0, 1)] = 0;
    expectedKeep[at(1, 2, 3)] = 0;
    expectedKeep[at(2, 1, 0)] = 0;
    expectedUniform[at(2, 1, 0)] = 1;
    expect(Array.from(headKeep)).toEqual(Array.from(expectedKeep));
    expect(Array.from(headUniform)).toEqual(Array.from(expectedUniform));
  });

  it('uses a fractional dose instead of the mode when given', () => {
    const { headKeep, headUniform } = buildHeadControls(spec, [{ heads: [{ layer: 2, head: 2 }], mode: 'mean', dose: { keep: 0.25, uniform: 0.75 } }]);
    expect(headKeep[at(0, 2, 2)]).toBe(0.25);
    expect(headUniform[at(0, 2, 2)]).toBe(0.75);
    expect(headKeep[at(0, 2, 1)]).toBe(1);
  });

  it.each([
    [{ layer: 3, head: 0 }, /head \(layer 3, head 0\): layer out of range; the model has 3 layers \(0-2\) x 4 heads/],
    [{ layer: 0, head: 4 }, /head \(layer 0, head 4\): head out of range/],
    [{ layer: -1, head: 0 }, /layer -1/],
    [{ layer: 1.5, head: 0 }, /layer 1.5/],
  ])('rejects %j with an InputError naming the head and the source', (head, message) => {
    let caught: unknown;
    try {
      buildHeadControls(spec, [{ heads: [head], mode: 'zero' }], '/tmp/heads.json');
    } catch (err) {
      caught = err;
    }
    expect(isInputError(caught)).toBe(true);
    expect((caught as { file: string }).file).toBe('/tmp/heads.json');
    expect((caught as Error).message).toMatch(message);
  });

  it('rejects negative or non-finite doses', () => {
    expect(() => buildHeadControls(spec, [{ heads: [], mode: 'none', dose: { keep: -1, uniform: 0 } }])).toThrow(/dose.keep/);
    expect(() => buildHeadControls(spec, [{ heads: [], mode: 'none', dose: { keep: 1, uniform: NaN } }])).toThrow(/dose.uniform/);
  });

  it('validateHeads accepts every head inside the model', () => {
    const all = Array.from({ length: 12 }, (_, i) => ({ layer: Math.floor(i / 4), head: i % 4 }));
    expect(() => validateHeads(spec, all)).not.toThrow();
  });
});
