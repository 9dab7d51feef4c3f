import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import protobuf = require('protobufjs/light');
import { appendGraphField } from '../../src/onnx/appendGraph';
import { exposeAttention } from '../../src/onnx/exposeAttention';
import { ModelProtoType } from '../../src/onnx/onnxSchema';
import { PruneGraphError, pruneGraph } from '../../src/onnx/pruneGraph';
import { readOnnxModel } from '../../src/onnx/readModel';
import { REPO_ROOT, createInferenceRunner, idsTensor, ort, readModelBytes, tokenIds } from '../reference/nodeRuntime';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'models');
const TINYBERT = path.resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'tribuo-tinybert', 'tinybert.onnx');
const SAMPLE = readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace', 'sample.ts'), 'utf8');

type Feeds = Record<string, ort.Tensor>;

async function runModel(bytes: Uint8Array, feeds: Feeds, fetch: readonly string[]): Promise<Record<string, ort.Tensor>> {
  const session = await createInferenceRunner(bytes);
  try {
    return await session.run(feeds, [...fetch]);
  } finally {
    await session.release();
  }
}

/** Runs the unpruned and the pruned model on the same feeds; every kept output must be bit-identical. */
async function assertSameOutputs(original: Uint8Array, keep: readonly string[], feeds: () => Feeds): Promise<void> {
  const pruned = pruneGraph(original, keep);
  assert.ok(pruned.nodesAfter < pruned.nodesBefore, `nothing was pruned (${pruned.nodesAfter} of ${pruned.nodesBefore} nodes kept)`);
  const before = await runModel(original, feeds(), keep);
  const after = await runModel(pruned.modelBytes, feeds(), keep);
  for (const name of keep) {
    assert.deepEqual(after[name]!.dims, before[name]!.dims, `${name} dims`);
    assert.deepEqual(after[name]!.data, before[name]!.data, `${name} differs after pruning`);
  }
}

const int64 = (values: readonly number[]): ort.Tensor => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, values.length]);

describe('pruneGraph', function () {
  this.timeout(30_000);

  it('cuts the bundled model to attention and q/k/v/o: same values, no logits, fewer nodes', async function () {
    const original = readModelBytes();
    const declared = readOnnxModel(original).graph.outputs.map((o) => o.name);
    const keep = declared.filter((n) => n !== 'logits');
    assert.equal(keep.length, 20, 'attn/q/k/v/o for 4 layers');
    const pruned = pruneGraph(original, keep);
    assert.deepEqual(pruned.removedOutputs, ['logits']);
    const reread = readOnnxModel(pruned.modelBytes);
    assert.deepEqual(reread.graph.outputs.map((o) => o.name), keep);
    assert.equal(reread.graph.nodes.length, pruned.nodesAfter);
    assert.ok(!reread.graph.nodes.some((n) => n.outputs.includes('logits')));
    assert.deepEqual(reread.opsetImports, readOnnxModel(original).opsetImports);
    const ids = await tokenIds(SAMPLE);
    await assertSameOutputs(original, keep, () => ({ input_ids: idsTensor(ids) }));
  });

  for (const fixture of ['attention-2x2.onnx', 'flat-attention.onnx', 'small-vocab.onnx']) {
    it(`keeps the exposed attention of ${fixture} exactly (second graph field merged)`, async function () {
      const exposed = exposeAttention(new Uint8Array(readFileSync(path.join(FIXTURES, fixture))));
      const keep = exposed.outputs.map((o) => o.name);
      const ids = [1, 5, 9, 2, 7, 3, 3, 8];
      await assertSameOutputs(exposed.modelBytes, keep, () => ({ input_ids: idsTensor(ids) }));
      const pruned = readOnnxModel(pruneGraph(exposed.modelBytes, keep).modelBytes);
      assert.deepEqual(pruned.graph.outputs.map((o) => o.name), keep);
    });
  }

  it('keeps the attention of a third-party BERT (tribuo tinybert) exactly, and drops unused weights', async function () {
    if (!existsSync(TINYBERT)) {
      console.log(`      skipped: fixture ${TINYBERT} is absent`);
      this.skip();
    }
    const exposed = exposeAttention(new Uint8Array(readFileSync(TINYBERT)));
    const keep = exposed.outputs.map((o) => o.name);
    const ids = [2, 57, 310, 14, 1200, 3];
    await assertSameOutputs(exposed.modelBytes, keep, () => ({
      input_ids: int64(ids),
      attention_mask: int64(ids.map(() => 1)),
      token_type_ids: int64(ids.map(() => 0)),
    }));
    const pruned = pruneGraph(exposed.modelBytes, keep);
    assert.deepEqual(pruned.removedOutputs, ['output_0', 'output_1']);
    assert.ok(pruned.removedInitializers > 0, 'the pooler and later layers weights are no longer needed');
    assert.ok(pruned.modelBytes.length < exposed.modelBytes.length);
  });

  it('keeps the outer tensors a subgraph reads (If branches)', function () {
    // cond -> If(then: Identity(outer), else: Identity(outer)) -> out; `outer` = Relu(x), only read inside the branches.
    const branch = (name: string) => ({
      name,
      node: [{ opType: 'Identity', input: ['outer'], output: [`${name}_y`] }],
      output: [{ name: `${name}_y`, type: { tensorType: { elemType: 1 } } }],
    });
    const GraphType = ModelProtoType.root.lookupType('onnx.GraphProto');
    const ifNode = protobuf.Writer.create();
    ifNode.uint32((1 << 3) | 2).string('cond');
    ifNode.uint32((2 << 3) | 2).string('out');
    ifNode.uint32((4 << 3) | 2).string('If');
    for (const [attr, g] of [['then_branch', branch('then')], ['else_branch', branch('else')]] as const) {
      const attribute = protobuf.Writer.create();
      attribute.uint32((1 << 3) | 2).string(attr);
      attribute.uint32((6 << 3) | 2).bytes(GraphType.encode(g).finish());
      attribute.uint32((20 << 3) | 0).int32(5);
      ifNode.uint32((5 << 3) | 2).bytes(attribute.finish());
    }
    const graph = protobuf.Writer.create();
    for (const node of [
      { opType: 'Relu', input: ['x'], output: ['outer'] },
      { opType: 'Neg', input: ['x'], output: ['unused'] },
    ]) {
      graph.uint32((1 << 3) | 2).bytes(ModelProtoType.root.lookupType('onnx.NodeProto').encode(node).finish());
    }
    graph.uint32((1 << 3) | 2).bytes(ifNode.finish());
    graph.uint32((12 << 3) | 2).bytes(ModelProtoType.root.lookupType('onnx.ValueInfoProto').encode({ name: 'out' }).finish());
    graph.uint32((12 << 3) | 2).bytes(ModelProtoType.root.lookupType('onnx.ValueInfoProto').encode({ name: 'unused' }).finish());
    const header = ModelProtoType.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
    const model = new Uint8Array([...header, ...protobuf.Writer.create().uint32((7 << 3) | 2).bytes(graph.finish()).finish()]);

    const pruned = pruneGraph(model, ['out']);
    const nodes = readOnnxModel(pruned.modelBytes).graph.nodes.map((n) => n.opType);
    assert.deepEqual(nodes, ['Relu', 'If']);
    assert.deepEqual(pruned.removedOutputs, ['unused']);
  });

  it('names an output nothing produces', function () {
    const header = ModelProtoType.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }] }).finish();
    const model = appendGraphField(header, { node: [{ opType: 'Relu', input: ['x'], output: ['y'] }], output: [{ name: 'y' }] });
    assert.throws(() => pruneGraph(model, ['attn_0']), (err: unknown) => err instanceof PruneGraphError && /"attn_0"/.test(err.message));
  });
});
