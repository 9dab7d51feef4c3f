/**
 * bfloat16 models converted to float32 in memory (src/onnx/upcastBfloat16.ts): onnxruntime-web's
 * WASM kernels have no bfloat16 MatMul, so without the conversion such a model cannot load at all.
 * The models here are built in the test; the bfloat16.onnx fixture (make_fixtures.py) runs
 * through AttentionModel.load in exportRoutes.test.ts.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ModelLoadError } from '../../src/inference/modelErrors';
import { inspectModelGraph } from '../../src/inference/modelGraph';
import { appendGraphField } from '../../src/onnx/appendGraph';
import { DataType, ModelProtoType, type RawGraph, type RawTensor } from '../../src/onnx/onnxSchema';
import { allGraphs, readOnnxModel } from '../../src/onnx/readModel';
import { Bfloat16Error, UPCAST_DATA_LOCATION, hasBfloat16, upcastBfloat16 } from '../../src/onnx/upcastBfloat16';
import { REPO_ROOT, createInferenceRunner, ort } from '../reference/nodeRuntime';

const BF16 = DataType.BFLOAT16;

/** The bfloat16 bit pattern of `value`, which must be exactly representable in bfloat16. */
function bits(value: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  const word = view.getUint32(0, true);
  assert.equal(word & 0xffff, 0, `${value} is exact in bfloat16`);
  return word >>> 16;
}

function rawBfloat16(values: readonly number[]): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setUint16(i * 2, bits(v), true));
  return out;
}

const vector = (elemType: number) => ({ tensorType: { elemType, shape: { dim: [{ dimValue: 3 }] } } });

/**
 * y = Cast_to_bf16((x + w) · c), all bfloat16: w stored in int32_data, c in a Constant node's
 * raw_data; an If on `flag` returns a bfloat16 subgraph initializer (z); total = ReduceSum(table),
 * table holding 256 values (1 KiB as float32, so it moves to external data).
 */
function buildModel(external = false): Uint8Array {
  const w: RawTensor = external
    ? { name: 'w', dims: [3], dataType: BF16, dataLocation: 1, externalData: [{ key: 'location', value: 'w.bin' }] }
    : { name: 'w', dims: [3], dataType: BF16, int32Data: [1.5, -2.25, 0.5].map(bits) };
  const branch = (value: number): RawGraph => ({
    name: 'branch',
    initializer: [{ name: 'branch_value', dims: [3], dataType: BF16, rawData: rawBfloat16([value, value, value]) }],
    node: [{ opType: 'Identity', input: ['branch_value'], output: ['branch_out'] }],
    output: [{ name: 'branch_out', type: vector(BF16) }],
  });
  const table = Array.from({ length: 256 }, (_, i) => i / 2);
  const graph: RawGraph = {
    name: 'bf16',
    initializer: [w, { name: 'table', dims: [256], dataType: BF16, rawData: rawBfloat16(table) }],
    input: [{ name: 'x', type: vector(BF16) }, { name: 'flag', type: { tensorType: { elemType: DataType.BOOL, shape: { dim: [] } } } }],
    node: [
      { opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: 4, t: { dims: [3], dataType: BF16, rawData: rawBfloat16([3, 0.15625, -1]) } }] },
      { opType: 'Add', input: ['x', 'w'], output: ['sum'] },
      { opType: 'Mul', input: ['sum', 'c'], output: ['product'] },
      { opType: 'Cast', input: ['product'], output: ['y'], attribute: [{ name: 'to', type: 2, i: BF16 }] },
      { opType: 'ReduceSum', input: ['table'], output: ['total'], attribute: [{ name: 'keepdims', type: 2, i: 0 }] },
      { opType: 'If', input: ['flag'], output: ['z'], attribute: [{ name: 'then_branch', type: 5, g: branch(2) }, { name: 'else_branch', type: 5, g: branch(-4) }] },
    ],
    output: [{ name: 'y', type: vector(BF16) }, { name: 'z', type: vector(BF16) }, { name: 'total', type: { tensorType: { elemType: BF16, shape: { dim: [] } } } }],
  };
  const header = ModelProtoType.encode({ irVersion: 8, producerName: 'upcast test', opsetImport: [{ domain: '', version: 17 }] }).finish();
  return appendGraphField(header, graph);
}

describe('bfloat16 models upcast to float32 in memory', function () {
  it('turns every tensor, declared type and cast into float32, values exact, other fields kept', function () {
    const original = buildModel();
    const before = readOnnxModel(original);
    assert.ok(hasBfloat16(before));
    // inlineUpTo 0: split as a model past 2 GiB would be.
    const upcast = upcastBfloat16(original, 0);
    assert.equal(upcast.tensors, 5, 'w, table, the Constant value and one initializer per If branch');
    assert.equal(upcast.elements, 12 + 256);
    const model = readOnnxModel(upcast.modelBytes);
    assert.equal(hasBfloat16(model), false);
    assert.equal(model.producerName, 'upcast test');
    for (const g of allGraphs(model.graph)) {
      for (const t of g.initializers.values()) assert.equal(t.dataType, DataType.FLOAT, `initializer ${t.name}`);
      for (const v of [...g.inputs, ...g.outputs]) if (v.name !== 'flag') assert.equal(v.elemType, DataType.FLOAT, `value ${v.name}`);
    }
    const cast = model.graph.nodes.find((n) => n.opType === 'Cast')!;
    assert.equal(cast.attributes.get('to')?.int, DataType.FLOAT);
    // Main-graph initializers of 1 KiB or more move to the in-memory external data; smaller ones
    // and subgraph ones stay inline.
    assert.equal(model.graph.initializers.get('table')!.externalLocation, UPCAST_DATA_LOCATION);
    assert.equal(upcast.externalData?.path, UPCAST_DATA_LOCATION);
    assert.deepEqual([...new Float32Array(upcast.externalData!.data.slice().buffer)], Array.from({ length: 256 }, (_, i) => i / 2));
    const weights = model.graph.initializers.get('w')!;
    assert.equal(weights.externalLocation, undefined);
    assert.deepEqual([...new Float32Array(weights.rawData!.slice().buffer)], [1.5, -2.25, 0.5]);
    const branch = model.graph.nodes.find((n) => n.opType === 'If')!.attributes.get('else_branch')!.graph!;
    assert.deepEqual([...new Float32Array(branch.initializers.get('branch_value')!.rawData!.slice().buffer)], [-4, -4, -4]);
    assert.deepEqual(readOnnxModel(original), before, 'the input bytes are not modified');
  });

  it('the upcast model runs on onnxruntime-web and computes in float32 from the bfloat16 values', async function () {
    const original = buildModel();
    await assert.rejects(createInferenceRunner(original), /Could not find an implementation for (Add|Mul|Cast|Identity)/, 'bfloat16 itself has no WASM kernels');
    // In one piece, and split with the large table in an in-memory external data buffer.
    for (const upcast of [upcastBfloat16(original), upcastBfloat16(original, 0)]) {
      const session = await ort.InferenceSession.create(upcast.modelBytes, { executionProviders: ['wasm'], ...(upcast.externalData ? { externalData: [upcast.externalData] } : {}) });
      try {
        const results = await session.run({
          x: new ort.Tensor('float32', Float32Array.from([1, 2, 3]), [3]),
          flag: new ort.Tensor('bool', Uint8Array.from([0]), []),
        });
        assert.equal(results.y!.type, 'float32');
        assert.deepEqual([...(results.y!.data as Float32Array)], [(1 + 1.5) * 3, (2 - 2.25) * 0.15625, (3 + 0.5) * -1]);
        assert.deepEqual([...(results.z!.data as Float32Array)], [-4, -4, -4], 'the else branch, its initializer converted');
        assert.deepEqual([...(results.total!.data as Float32Array)], [(255 * 256) / 4], 'the table, from the external data when split');
      } finally {
        await session.release();
      }
    }
  });

  it('a bfloat16 tensor in external data is refused with what to do', function () {
    assert.throws(() => upcastBfloat16(buildModel(true)), (err: unknown) => err instanceof Bfloat16Error && /'w' keeps its data in an external file/.test(err.message));
    assert.throws(
      () => inspectModelGraph(buildModel(true), 'big.onnx'),
      (err: unknown) =>
        err instanceof ModelLoadError &&
        err.kind === 'runtime' &&
        /^big\.onnx is a bfloat16 model, which onnxruntime-web cannot run.*'w' keeps its data in an external file\. Export the model in float16 or float32/.test(err.message),
    );
  });

  it('a model converted in one piece when it fits protobuf\'s 2 GiB (every runtime reads it)', function () {
    const file = path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'bfloat16.onnx');
    const bytes = new Uint8Array(readFileSync(file));
    const graph = inspectModelGraph(bytes, file);
    assert.equal(graph.precision, 'bfloat16');
    assert.ok(graph.upcastTensors > 0);
    assert.equal(graph.upcastData, undefined);
    assert.deepEqual(graph.externalData, []);
    // Split, the 60 × 8 embedding goes to the buffer; the 8 × 8 projections (256 bytes) stay inline.
    assert.equal(upcastBfloat16(bytes, 0).externalData?.data.length, 60 * 8 * 4);
  });

  it('models without bfloat16 are left alone (the same bytes reach onnxruntime)', function () {
    const file = path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'float16.onnx');
    const bytes = new Uint8Array(readFileSync(file));
    assert.equal(hasBfloat16(readOnnxModel(bytes)), false);
    const graph = inspectModelGraph(bytes, file);
    assert.equal(graph.upcastTensors, 0);
    assert.deepEqual(graph.modelBytes.subarray(0, bytes.length), bytes);
  });
});
