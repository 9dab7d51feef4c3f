import * as assert from 'node:assert/strict';
import { appendGraphField } from '../../src/onnx/appendGraph';
import { OnnxFormatError, type OnnxFormatErrorKind } from '../../src/onnx/onnxFormatError';
import { DataType, ModelProtoType, type RawGraph } from '../../src/onnx/onnxSchema';
import { externalDataTensors, readOnnxModel } from '../../src/onnx/readModel';
import { tensorToBigInt64, tensorToFloat32 } from '../../src/onnx/tensorData';
import { readModelBytes } from '../reference/nodeRuntime';

/** A model built in memory: ModelProto header + one graph field. */
function buildModel(graph: RawGraph, opset = 17): Uint8Array {
  const header = ModelProtoType.encode({ irVersion: 8, producerName: 'test', opsetImport: [{ domain: '', version: opset }] }).finish();
  return appendGraphField(header, graph);
}

function assertFormatError(read: () => unknown, kind?: OnnxFormatErrorKind): void {
  assert.throws(read, (err: unknown) => {
    assert.ok(err instanceof OnnxFormatError, `expected OnnxFormatError, got ${String(err)}`);
    if (kind) assert.equal(err.kind, kind, err.message);
    return true;
  });
}

describe('readOnnxModel', function () {
  const bundled = readModelBytes();

  it('reads the bundled model: opset, inputs, outputs with symbolic dims, initializers', function () {
    const model = readOnnxModel(bundled);
    assert.deepEqual(model.opsetImports, [{ domain: '', version: 17 }]);
    assert.deepEqual(model.graph.inputs, [{ name: 'input_ids', elemType: DataType.INT64, shape: [1, 'T'] }]);
    const attn0 = model.graph.outputs.find((o) => o.name === 'attn_0');
    assert.deepEqual(attn0, { name: 'attn_0', elemType: DataType.FLOAT, shape: [1, 4, 'T', 'T'] });
    const embed = model.graph.initializers.get('model.embed.weight');
    assert.ok(embed);
    assert.deepEqual(embed.dims, [4096, 128]);
    assert.equal(tensorToFloat32(embed).length, 4096 * 128);
    assert.ok(model.graph.nodes.filter((n) => n.opType === 'Softmax').length === 4);
    assert.deepEqual(externalDataTensors(model), []);
  });

  it('reads float_data, int64_data and node attributes', function () {
    const model = readOnnxModel(
      buildModel({
        initializer: [
          { name: 'w', dims: [2], dataType: DataType.FLOAT, floatData: [1.5, -2] },
          { name: 'shape', dims: [2], dataType: DataType.INT64, int64Data: [3, -1] },
        ],
        node: [{ opType: 'Softmax', name: 's', input: ['x'], output: ['y'], attribute: [{ name: 'axis', i: -1, type: 2 }] }],
      }),
    );
    assert.deepEqual(Array.from(tensorToFloat32(model.graph.initializers.get('w')!)), [1.5, -2]);
    assert.deepEqual(Array.from(tensorToBigInt64(model.graph.initializers.get('shape')!)), [3n, -1n]);
    assert.equal(model.graph.nodes[0]!.attributes.get('axis')!.int, -1);
  });

  it('merges a second graph field as protobuf does', function () {
    const exposed = appendGraphField(bundled, { output: [{ name: 'extra', type: { tensorType: { elemType: DataType.FLOAT } } }] });
    const model = readOnnxModel(exposed);
    assert.equal(model.graph.outputs.at(-1)!.name, 'extra');
    assert.equal(model.graph.outputs.length, readOnnxModel(bundled).graph.outputs.length + 1);
    assert.ok(model.graph.initializers.has('model.embed.weight'));
  });

  it('reports truncated files with a typed error', function () {
    for (const fraction of [0.001, 0.1, 0.5, 0.9, 0.9999]) {
      assertFormatError(() => readOnnxModel(bundled.subarray(0, Math.floor(bundled.length * fraction))), 'truncated');
    }
    // Cut right before the trailing opset_import: valid protobuf, but not a complete model.
    assertFormatError(() => readOnnxModel(bundled.subarray(0, bundled.length - 1)));
  });

  it('reports empty input and non-ONNX bytes with a typed error', function () {
    assertFormatError(() => readOnnxModel(new Uint8Array(0)), 'not-onnx');
    assertFormatError(() => readOnnxModel(new TextEncoder().encode('{"not": "a model"}')));
    assertFormatError(() => readOnnxModel(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
  });

  it('never fails with anything but OnnxFormatError on corrupted bytes', function () {
    // Deterministic byte flips over the model; a flip may leave it readable, never crash.
    let state = 12345;
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
    const small = buildModel({
      initializer: [{ name: 'w', dims: [4], dataType: DataType.FLOAT, rawData: new Uint8Array(16) }],
      node: [{ opType: 'Relu', input: ['w'], output: ['y'] }],
      output: [{ name: 'y', type: { tensorType: { elemType: DataType.FLOAT, shape: { dim: [{ dimValue: 4 }] } } } }],
    });
    for (let trial = 0; trial < 500; trial++) {
      const corrupted = small.slice();
      corrupted[next() % corrupted.length] = next() & 0xff;
      try {
        const model = readOnnxModel(corrupted);
        for (const tensor of model.graph.initializers.values()) tensorToFloat32(tensor);
      } catch (err) {
        assert.ok(err instanceof OnnxFormatError, `trial ${trial}: ${String(err)}`);
      }
    }
  });

  it('detects external data and refuses to read it', function () {
    const model = readOnnxModel(
      buildModel({
        initializer: [
          {
            name: 'big',
            dims: [1024],
            dataType: DataType.FLOAT,
            dataLocation: 1,
            externalData: [{ key: 'location', value: 'weights.bin' }, { key: 'offset', value: '0' }],
          },
        ],
      }),
    );
    assert.deepEqual(externalDataTensors(model), ['big']);
    assertFormatError(() => tensorToFloat32(model.graph.initializers.get('big')!), 'external-data');
  });

  it('rejects raw data that does not fit the dims', function () {
    const model = readOnnxModel(buildModel({ initializer: [{ name: 'w', dims: [3], dataType: DataType.FLOAT, rawData: new Uint8Array(8) }] }));
    assertFormatError(() => tensorToFloat32(model.graph.initializers.get('w')!), 'corrupt');
  });
});
