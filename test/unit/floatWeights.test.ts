import * as assert from 'node:assert/strict';
import { appendGraphField } from '../../src/onnx/appendGraph';
import { lowPrecisionWeights, weightPrecision } from '../../src/onnx/floatWeights';
import { ModelProtoType, type RawGraph } from '../../src/onnx/onnxSchema';
import { readOnnxModel } from '../../src/onnx/readModel';

const FLOAT = 1;
const FLOAT16 = 10;
const castTo = (type: number, input: string, output: string) => ({ opType: 'Cast', input: [input], output: [output], attribute: [{ name: 'to', type: 2, i: type }] });
const half = (name: string) => ({ name, dataType: FLOAT16, dims: [2], rawData: new Uint8Array(4) });

function model(graph: RawGraph) {
  const header = ModelProtoType.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
  return readOnnxModel(appendGraphField(header, graph));
}

describe('float16 weights read as float32', () => {
  it('a float16 weight read only through a Cast to float32 is float32 arithmetic', () => {
    const m = model({ initializer: [half('w')], node: [castTo(FLOAT, 'w', 'w32'), { opType: 'MatMul', input: ['x', 'w32'], output: ['y'] }] });
    assert.deepEqual(lowPrecisionWeights(m), []);
    assert.equal(weightPrecision(m), 'float16 weights');
  });

  it('a float16 weight read as it is, or cast to another type, is float16 arithmetic', () => {
    for (const reader of [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }, castTo(FLOAT16, 'w', 'w16')]) {
      const m = model({ initializer: [half('w')], node: [castTo(FLOAT, 'w', 'w32'), reader] });
      assert.deepEqual(lowPrecisionWeights(m), ['w']);
      assert.equal(weightPrecision(m), 'float16');
    }
  });

  it('a read inside an If branch counts: the branch reads the outer weight as float16', () => {
    const branch = { name: 'b', node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }], output: [{ name: 'y' }] };
    const m = model({
      initializer: [half('w')],
      node: [
        castTo(FLOAT, 'w', 'w32'),
        { opType: 'If', input: ['cond'], output: ['z'], attribute: [{ name: 'then_branch', type: 5, g: branch }, { name: 'else_branch', type: 5, g: branch }] },
      ],
    });
    assert.deepEqual(lowPrecisionWeights(m), ['w']);
    assert.equal(weightPrecision(m), 'float16');
  });

  it('bfloat16 weights are bfloat16 arithmetic, cast or not (onnxruntime has no bfloat16 MatMul: they are upcast)', () => {
    const bf16 = { name: 'b', dataType: 16, dims: [2], rawData: new Uint8Array(4) };
    const m = model({ initializer: [bf16], node: [{ opType: 'MatMul', input: ['x', 'b'], output: ['y'] }] });
    assert.deepEqual(lowPrecisionWeights(m), ['b']);
    assert.equal(weightPrecision(m), 'bfloat16');
  });

  it('a float16 initializer nothing reads changes nothing', () => {
    const m = model({ initializer: [half('w'), half('unused')], node: [castTo(FLOAT, 'w', 'w32')] });
    assert.deepEqual(lowPrecisionWeights(m), []);
    assert.equal(weightPrecision(m), 'float16 weights');
    assert.equal(weightPrecision(model({ initializer: [half('unused')], node: [] })), undefined, 'only unread float16: a float32 model');
  });
});
