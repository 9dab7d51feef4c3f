// The attention file reader on valid files of both forms, and on each kind of bad file: every
// problem ends in an AttentionFileError of the right kind whose message names what is wrong.
import { inMemoryLayers } from '../../src/shared/attentionLayers';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  AttentionFileError,
  BINARY_FORMAT,
  ROW_SUM_TOLERANCE,
  readAttentionFile,
  readAttentionJson,
  type AttentionFileErrorKind,
  type ReadOptions,
} from '../../src/shared/attentionFile';
import { bfloat16ToNumber, float16ToNumber, numberToFloat16 } from '../../src/shared/float16';
import { resultToJson } from '../../src/shared/resultJson';
import { seededRandom } from '../../src/shared/seededRandom';
import { SOURCE_TEXT, randomAttention, sample, sampleJson, sampleSafetensors, sourceTokens } from '../support/attentionFiles';

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** A safetensors file from a raw table and data, with no checks: for files a writer would never produce. */
function rawSafetensors(table: object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const header = new TextEncoder().encode(JSON.stringify(table));
  const out = new Uint8Array(8 + header.length + data.length);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 8);
  out.set(data, 8 + header.length);
  return out;
}

function expectError(read: () => unknown, kind: AttentionFileErrorKind, message: RegExp): AttentionFileError {
  try {
    read();
  } catch (err) {
    assert.ok(err instanceof AttentionFileError, `expected an AttentionFileError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected a '${kind}' error`);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Replaces the first occurrence of `from` in the file's bytes by `to` of the same byte length. */
function patch(bytes: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const text = Buffer.from(bytes).toString('latin1');
  const at = text.indexOf(from);
  assert.ok(at >= 0, `'${from}' not in the file`);
  const out = bytes.slice();
  out.set(Buffer.from(to, 'latin1'), at);
  return out;
}

describe('attention files: reading valid files', () => {
  it('reads float32 self-attention as views on the file, allocating nothing', () => {
    const s = sample({ layers: 3, heads: 2 });
    const bytes = sampleSafetensors(s);
    let allocated = 0;
    const file = readAttentionFile(bytes, { onAllocate: (n) => (allocated += n) });
    assert.equal(file.form, 'safetensors');
    assert.equal(file.kind, 'self');
    assert.equal(file.keys, file.queries);
    assert.deepEqual([file.layers, file.heads, file.queryCount, file.keyCount], [3, 2, s.queryCount, s.queryCount]);
    assert.equal(allocated, 0);
    file.attention.forEach((layer, l) => {
      assert.equal(layer.buffer, bytes.buffer, 'a view, not a copy');
      assert.deepEqual(Array.from(layer), Array.from(s.attention[l]!));
    });
    assert.deepEqual(file.model, { name: 'test-model', layout: 'decoder', causal: true, context: undefined });
    assert.equal(file.queries.hasOffsets, true);
    assert.equal(file.queries.source?.file, 'src/add.py');
    const token = file.queries.tokens[1]!;
    assert.equal(SOURCE_TEXT.slice(token.start, token.end), token.text);
    assert.equal(file.parts, undefined);
  });

  it('decodes float16 within half a unit in the last place, counting what it allocates', () => {
    const s = sample({ parts: true });
    let allocated = 0;
    const file = readAttentionFile(sampleSafetensors(s, 'F16'), { onAllocate: (n) => (allocated += n) });
    const layerBytes = s.heads * s.queryCount * s.keyCount * 4;
    const partBytes = 4 * s.heads * s.queryCount * s.dim * 4;
    assert.equal(allocated, 2 * (layerBytes + partBytes));
    for (let l = 0; l < 2; l++) {
      assert.ok(maxAbsDiff(file.attention[l]!, s.attention[l]!) <= 2 ** -12, `layer ${l}`);
      assert.ok(maxAbsDiff(file.parts![l]!.q!, s.parts['q']![l]!) <= 2 ** -11, `q.${l}`);
    }
  });

  it('reads cross-attention with its own key tokens and source, and q/k/v/o', () => {
    const s = sample({ cross: true, parts: true });
    assert.notEqual(s.queryCount, s.keyCount);
    for (const file of [readAttentionFile(sampleSafetensors(s)), readAttentionJson(sampleJson(s))]) {
      assert.equal(file.kind, 'cross');
      assert.equal(file.keyCount, s.keyCount);
      assert.equal(file.keys.tokens[0]!.text, 'la');
      assert.equal(file.keys.source?.file, 'src/add.fr.txt');
      assert.equal(file.model.layout, 'encoder-decoder');
      assert.equal(file.attention[1]!.length, s.heads * s.queryCount * s.keyCount);
      assert.equal(file.parts![0]!.k!.length, s.heads * s.keyCount * s.dim);
      assert.equal(file.parts![0]!.o!.length, s.heads * s.queryCount * s.dim);
      assert.equal(file.parts![0]!.keyDim, s.dim);
      assert.ok(maxAbsDiff(file.attention[1]!, s.attention[1]!) < 1e-7);
    }
  });

  it('reads the JSON form from bytes (byte order mark and all) and from a parsed value alike', () => {
    const s = sample();
    const value = sampleJson(s);
    const fromBytes = readAttentionFile(new Uint8Array([0xef, 0xbb, 0xbf, ...encode(value)]));
    const fromValue = readAttentionJson(value);
    assert.equal(fromBytes.form, 'json');
    assert.deepEqual(fromBytes.attention, fromValue.attention);
    assert.deepEqual(Array.from(fromBytes.attention[0]!), Array.from(s.attention[0]!));
  });

  it('reads the result@1 JSON that the panel export and the command-line tool write', () => {
    const tokens = sourceTokens();
    const T = tokens.length;
    const random = seededRandom(5);
    const attention = [randomAttention(2, T, T, random, true), randomAttention(2, T, T, random, true)];
    const json = resultToJson({
      source: { file: 'src/add.py', startOffset: 0, text: SOURCE_TEXT },
      tokens,
      attention: inMemoryLayers(attention, T),
      model: { name: 'attention-lens-code-4x4', layers: 2, heads: 2, context: 512, causal: true },
    });
    const file = readAttentionFile(encode(json), { fileName: 'export.json' });
    assert.equal(file.model.context, 512);
    assert.equal(file.model.layout, undefined);
    assert.equal(file.queries.tokens[3]!.id, tokens[3]!.id);
    assert.ok(maxAbsDiff(file.attention[1]!, attention[1]!) < 1e-7, 'rounded to 7 significant digits');
  });

  it('reads the example in docs/FORMAT.md', () => {
    const doc = readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'FORMAT.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    assert.ok(example, 'docs/FORMAT.md has a JSON example');
    const file = readAttentionFile(new TextEncoder().encode(example));
    assert.deepEqual([file.layers, file.heads, file.queryCount, file.model.layout], [1, 1, 2, 'decoder']);
    assert.deepEqual(Array.from(file.attention[0]!), [1, 0, 0.25, 0.75]);
  });

  it('decodes every float16 and bfloat16 pattern, and encodes float16 back exactly', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const value = float16ToNumber(bits);
      if (Number.isNaN(value)) continue;
      assert.equal(numberToFloat16(value), bits, `float16 0x${bits.toString(16)}`);
    }
    assert.equal(float16ToNumber(0x3c00), 1);
    assert.equal(float16ToNumber(0x0001), 2 ** -24);
    assert.equal(float16ToNumber(0xfc00), -Infinity);
    assert.equal(bfloat16ToNumber(0x3f80), 1);
    assert.equal(bfloat16ToNumber(0xc040), -3);
    assert.equal(numberToFloat16(1 + 2 ** -11), 0x3c00, 'a tie rounds to even');
    assert.equal(numberToFloat16(65520), 0x7c00, 'overflow rounds to infinity');
  });
});

describe('attention files: bad files', () => {
  const valid = () => sample({ layers: 2, heads: 2 });

  it('truncated: inside the length, the header, the data; a JSON file cut short', () => {
    const bytes = sampleSafetensors(valid());
    expectError(() => readAttentionFile(bytes.subarray(0, 5)), 'truncated', /5 bytes long/);
    expectError(() => readAttentionFile(bytes.subarray(0, 200)), 'truncated', /ends inside its header/);
    expectError(() => readAttentionFile(bytes.subarray(0, bytes.length - 3)), 'truncated', /cut short/);
    const json = encode(sampleJson(valid()));
    expectError(() => readAttentionFile(json.subarray(0, json.length - 10)), 'truncated', /cut short/);
  });

  it('wrong shapes: heads, token counts, a missing layer, parts, declared counts', () => {
    const s = valid();
    const T = s.queryCount;
    const r = seededRandom(3);
    const write = (tensors: { name: string; shape: number[]; data: Float32Array }[]) => readAttentionFile(rawTensors(tensors, s.header));
    const layer = (heads: number, q: number, k: number) => ({ shape: [heads, q, k], data: randomAttention(heads, q, k, r) });
    expectError(() => write([{ name: 'attention.0', ...layer(2, T, T) }, { name: 'attention.1', ...layer(3, T, T) }]), 'shape', /attention\.1 has shape \[3, \d+, \d+\]; expected \[heads=2/);
    expectError(() => write([{ name: 'attention.0', ...layer(2, T - 1, T) }]), 'shape', new RegExp(`queries=${T}`));
    expectError(() => write([{ name: 'attention.0', ...layer(2, T, T) }, { name: 'attention.2', ...layer(2, T, T) }]), 'schema', /no attention\.1/);
    expectError(() => write([{ name: 'attention.01', ...layer(2, T, T) }]), 'schema', /not <name>\.<layer>/);
    expectError(() => write([{ name: 'logits', ...layer(2, T, T) }]), 'schema', /no attention\.0/);
    expectError(
      () =>
        write([
          { name: 'attention.0', ...layer(2, T, T) },
          { name: 'attention.1', ...layer(2, T, T) },
          ...[0, 1].map((l) => ({ name: `q.${l}`, shape: [2, T, 4], data: new Float32Array(2 * T * 4) })),
          ...[0, 1].map((l) => ({ name: `k.${l}`, shape: [2, T, 5], data: new Float32Array(2 * T * 5) })),
        ]),
      'shape',
      /k\.0 has shape \[2, \d+, 5\]; expected .*d_k=4/,
    );
    expectError(() => write([{ name: 'attention.0', ...layer(2, T, T) }]), 'shape', /model\.layers says 2 but the file holds attention for 1 layers/);
    const json = sampleJson(s);
    ((json['attention'] as unknown[][])[1]![1] as unknown[]).pop();
    expectError(() => readAttentionJson(json), 'shape', /attention\[1\]\[1\] is an array of \d+; expected an array of/);
  });

  /** A file with the sample's header and these float32 tensors, shapes unchecked. */
  function rawTensors(tensors: { name: string; shape: number[]; data: Float32Array }[], header: object): Uint8Array {
    let offset = 0;
    const table: { [name: string]: unknown } = { __metadata__: { 'attention-lens': JSON.stringify({ format: BINARY_FORMAT, ...header }) } };
    const chunks: Uint8Array[] = [];
    for (const t of tensors) {
      table[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
      offset += t.data.byteLength;
      chunks.push(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
    const data = new Uint8Array(offset);
    let at = 0;
    for (const c of chunks) {
      data.set(c, at);
      at += c.length;
    }
    return rawSafetensors(table, data);
  }

  it('rows that do not sum to 1, and negative weights, name layer, head and query', () => {
    const s = valid();
    const scaled = s.attention[1]!.slice();
    const row = (1 * s.queryCount + 4) * s.keyCount; // head 1, query 4
    for (let k = 0; k < s.keyCount; k++) scaled[row + k]! *= 1 + 2 * ROW_SUM_TOLERANCE;
    expectError(() => readAttentionFile(sampleSafetensors({ ...s, attention: [s.attention[0]!, scaled] })), 'not-a-distribution', /Layer 1, head 1: the weights of query 4 sum to 1\.02/);
    const withinTolerance = s.attention[1]!.slice();
    for (let k = 0; k < s.keyCount; k++) withinTolerance[row + k]! *= 1 + ROW_SUM_TOLERANCE / 2;
    readAttentionFile(sampleSafetensors({ ...s, attention: [s.attention[0]!, withinTolerance] }));
    const negative = s.attention[0]!.slice();
    negative[s.keyCount * 2] = -0.25; // head 0, query 2, key 0
    negative[s.keyCount * 2 + 1]! += 0.25 + negative[s.keyCount * 2]!;
    expectError(() => readAttentionFile(sampleSafetensors({ ...s, attention: [negative, s.attention[1]!] })), 'not-a-distribution', /query 2 on key 0 is -0\.25, below 0/);
    const json = sampleJson(s);
    (json['attention'] as number[][][][])[0]![0]![0]![0] = 0.5;
    expectError(() => readAttentionJson(json), 'not-a-distribution', /Layer 0, head 0: the weights of query 0 sum to 0\.5/);
  });

  it('NaN and infinity, in float32, float16 and q/k/v/o', () => {
    const s = sample({ parts: true });
    const nan = s.attention[0]!.slice();
    nan[s.keyCount * 3 + 1] = NaN;
    expectError(() => readAttentionFile(sampleSafetensors({ ...s, attention: [nan, s.attention[1]!] })), 'non-finite', /Layer 0, head 0: the weight of query 3 on key 1 is NaN/);
    expectError(() => readAttentionFile(sampleSafetensors({ ...s, attention: [nan, s.attention[1]!] }, 'F16')), 'non-finite', /is NaN/);
    const inf = s.parts['v']![1]!.slice();
    inf[7] = -Infinity;
    expectError(() => readAttentionFile(sampleSafetensors({ ...s, parts: { ...s.parts, v: [s.parts['v']![0]!, inf] } })), 'non-finite', /Tensor v\.1: element 7 is -Infinity/);
    const json = sampleJson(s);
    (json['attention'] as number[][][][])[1]![0]![0]![0] = 1e39; // beyond float32
    expectError(() => readAttentionJson(json), 'non-finite', /Infinity/);
  });

  it('offsets that do not fit the source', () => {
    const s = valid();
    const tokens = s.header['tokens'] as { start: number; end: number; text: string }[];
    const withTokens = (changed: unknown[], header: { [key: string]: unknown } = s.header) => sampleJson({ ...s, header: { ...header, tokens: changed } });
    const last = tokens.length - 1;
    expectError(() => readAttentionJson(withTokens(tokens.map((t, i) => (i === last ? { ...t, end: SOURCE_TEXT.length + 1 } : t)))), 'offsets', /ends at \d+, past the end of its source text \(\d+ UTF-16 code units\)/);
    expectError(() => readAttentionJson(withTokens(tokens.map((t, i) => (i === 2 ? { ...t, start: t.end + 1 } : t)))), 'offsets', /tokens\[2\].*starts at \d+, after its end/);
    const emoji = SOURCE_TEXT.indexOf('🙂');
    expectError(() => readAttentionJson(withTokens(tokens.map((t, i) => (i === last ? { ...t, start: emoji + 1, end: emoji + 2 } : t)))), 'offsets', /splits a character in two/);
    expectError(() => readAttentionJson(withTokens(tokens.map((t, i) => (i === 0 ? { text: t.text } : t)))), 'offsets', /\d+ of \d+ "tokens" have offsets/);
    const { source: _, ...noSource } = s.header;
    expectError(() => readAttentionJson(withTokens(tokens, noSource)), 'offsets', /no "source"/);
    // Without offsets and source, tokens stand on their own.
    const bare = readAttentionJson(withTokens(tokens.map((t) => t.text), noSource));
    assert.equal(bare.queries.hasOffsets, false);
  });

  it('huge headers and files are refused before anything is allocated', () => {
    const limits = { maxHeaderBytes: 1024, maxFileBytes: 4096, maxDecodedBytes: 256 };
    let allocated = 0;
    const options: ReadOptions = { limits, onAllocate: (n) => (allocated += n) };
    const huge = new Uint8Array(16);
    huge.set([0, 0, 0, 0, 1, 0, 0, 0, 0x7b]); // 2^32 bytes of header
    expectError(() => readAttentionFile(huge, options), 'too-large', /header claims 4\.00 GiB/);
    const claims = new Uint8Array(16);
    new DataView(claims.buffer).setUint32(0, 2048, true);
    claims[8] = 0x7b;
    expectError(() => readAttentionFile(claims, options), 'too-large', /header claims 2\.0 KiB, more than the limit of 1\.0 KiB/);
    expectError(() => readAttentionFile(new Uint8Array(5000).fill(0x7b, 8, 9), options), 'too-large', /more than the limit of 4\.0 KiB/);
    const s = sample({ layers: 1, heads: 2 });
    expectError(() => readAttentionFile(sampleSafetensors(s, 'F16'), { ...options, limits: { maxDecodedBytes: 256 } }), 'too-large', /more than the limit of 256 bytes/);
    expectError(() => readAttentionJson(sampleJson(s), { ...options, limits: { maxDecodedBytes: 256 } }), 'too-large', /more than the limit of 256 bytes/);
    expectError(() => readAttentionJson(sampleJson(s), { limits: { maxTokens: 5 } }), 'too-large', /"tokens" has \d+ tokens, more than the limit of 5/);
    expectError(() => readAttentionFile(encode(sampleJson(s)), { limits: { maxJsonBytes: 100 } }), 'too-large', /Save the binary form/);
    assert.equal(allocated, 0);
  });

  it('unknown or unsupported dtypes', () => {
    const data = new Uint8Array(8);
    const header = { format: BINARY_FORMAT, model: { name: 'm' }, tokens: ['a'] };
    const table = (dtype: string) => ({ __metadata__: { 'attention-lens': JSON.stringify(header) }, 'attention.0': { dtype, shape: [1, 1, 1], data_offsets: [0, 8] } });
    expectError(() => readAttentionFile(rawSafetensors(table('I64'), data)), 'dtype', /dtype I64; attention files store F32, F16 or BF16/);
    expectError(() => readAttentionFile(rawSafetensors(table('Q4_K'), data)), 'dtype', /"Q4_K", which safetensors does not define/);
    const bf16 = rawSafetensors({ ...table('BF16'), 'attention.0': { dtype: 'BF16', shape: [1, 1, 1], data_offsets: [0, 2] } }, new Uint8Array([0x80, 0x3f]));
    assert.equal(readAttentionFile(bf16).attention[0]![0], 1);
  });

  it('other damage: unknown form, no metadata, wrong format, holes, trailing bytes, bad JSON, file name in the message', () => {
    expectError(() => readAttentionFile(new TextEncoder().encode('PK\u0003\u0004 not an attention file')), 'unknown-form', /neither an Attention Lens JSON file/);
    expectError(() => readAttentionFile(rawSafetensors({ 'attention.0': { dtype: 'F32', shape: [1, 1, 1], data_offsets: [0, 4] } }, new Uint8Array(4))), 'schema', /no __metadata__\["attention-lens"\]/);
    const s = valid();
    expectError(() => readAttentionFile(patch(sampleSafetensors(s), 'safetensors@1', 'safetensors@9')), 'schema', /this version reads "attention-lens\/safetensors@1"/);
    expectError(() => readAttentionJson({ ...sampleJson(s), format: 'attention-lens/result@2' }), 'schema', /this version reads "attention-lens\/result@1"/);
    const bytes = sampleSafetensors(s);
    expectError(() => readAttentionFile(new Uint8Array([...bytes, 0, 0, 0, 0])), 'schema', /4 bytes follow the last tensor/);
    const table = { __metadata__: { 'attention-lens': '{}' }, a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } };
    expectError(() => readAttentionFile(rawSafetensors(table, new Uint8Array(8))), 'schema', /4 unused bytes before tensor "a"/);
    expectError(() => readAttentionFile(new TextEncoder().encode('{"format": attention}')), 'json', /not valid JSON/);
    expectError(() => readAttentionJson({ ...sampleJson(s), model: { name: 'm', layout: 'mixture' } }), 'schema', /model\.layout must be one of "decoder", "encoder", "encoder-decoder", not "mixture"/);
    expectError(() => readAttentionFile(bytes.subarray(0, 100), { fileName: 'run.attention.safetensors' }), 'truncated', /^run\.attention\.safetensors: /);
  });
});
