// 12,000 seeded damaged attention files, both forms: byte-level damage (truncation, bit flips,
// overwritten spans, forged header lengths) and structural damage (a field of the JSON, of the
// safetensors table or of its metadata replaced, removed or resized). Every outcome is either a
// fully checked result or an AttentionFileError with a message; anything else thrown fails the
// test, and the bytes the reader allocates never pass the limits given to it.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { AttentionFileError, ROW_SUM_TOLERANCE, readAttentionFile, type AttentionFile, type AttentionFileLimits } from '../../src/shared/attentionFile';
import { seededRandom } from '../../src/shared/seededRandom';
import { sample, sampleJson, sampleSafetensors } from '../support/attentionFiles';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'attention-files');

const LIMITS: Partial<AttentionFileLimits> = {
  maxFileBytes: 1024 * 1024,
  maxJsonBytes: 1024 * 1024,
  maxHeaderBytes: 64 * 1024,
  maxTokens: 256,
  maxLayers: 8,
  maxHeads: 8,
  maxDecodedBytes: 256 * 1024,
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const NUMBERS = [0, -1, 1, 2, 0.5, 1e39, -1e-39, 2 ** 31, 2 ** 32, 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, 65_536, 3.5];
const STRINGS = ['', 'F32', 'F16', 'BF16', 'I64', 'F64', 'attention.0', 'q.0', 'attention.1', 'decoder', 'cross', '__proto__', '🙂', 'x'.repeat(300)];

function randomJson(random: () => number, depth = 0): Json {
  const r = random();
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  if (r < 0.1) return null;
  if (r < 0.2) return random() < 0.5;
  if (r < 0.5) return pick(NUMBERS);
  if (r < 0.7) return pick(STRINGS);
  if (depth > 2) return 0;
  if (r < 0.85) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  return { text: pick(STRINGS), start: pick(NUMBERS), end: pick(NUMBERS) };
}

/** Every container node with its keys, to pick a mutation point uniformly among them. */
function containers(value: Json, out: (Json[] | { [key: string]: Json })[] = []): (Json[] | { [key: string]: Json })[] {
  if (value !== null && typeof value === 'object') {
    out.push(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) containers(child, out);
  }
  return out;
}

/** One structural change somewhere in `value` (mutated in place); returns what it did. */
function mutateStructure(value: Json, random: () => number): string {
  const nodes = containers(value);
  const node = nodes[Math.floor(random() * nodes.length)]!;
  const keys = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
  if (keys.length === 0) return 'nothing (empty container)';
  const key = keys[Math.floor(random() * keys.length)]!;
  const op = Math.floor(random() * 5);
  const target = node as { [key: string | number]: Json };
  const old = target[key];
  if (op === 0) {
    target[key] = randomJson(random);
    return `replaced ${String(key)}`;
  }
  if (op === 1 && Array.isArray(node)) {
    node.splice(key as number, 1);
    return `removed element ${String(key)}`;
  }
  if (op === 1) {
    delete target[key];
    return `deleted ${String(key)}`;
  }
  if (op === 2 && typeof old === 'number') {
    target[key] = old * [0, -1, 1.5, 1e6, 0.999][Math.floor(random() * 5)]!;
    return `scaled ${String(key)}`;
  }
  if (op === 3 && Array.isArray(node)) {
    node.push(structuredClone(node[0] ?? null));
    return `appended to an array`;
  }
  target[key] = typeof old === 'string' ? old.slice(0, Math.floor(random() * old.length)) : randomJson(random);
  return `changed ${String(key)}`;
}

function corruptBytes(original: Uint8Array, random: () => number): { what: string; bytes: Uint8Array } {
  // The header sits in the first few KB; biasing damage there reaches the parser's branches.
  const position = () => Math.floor((random() < 0.7 ? Math.min(original.length, 4096) : original.length) * random());
  const kind = Math.floor(random() * 5);
  if (kind === 0) {
    const length = position();
    return { what: `truncated to ${length} bytes`, bytes: original.slice(0, length) };
  }
  const bytes = original.slice();
  if (kind === 1) {
    const at: number[] = [];
    for (let i = 0, flips = 1 + Math.floor(random() * 8); i < flips; i++) {
      const p = position();
      bytes[p]! ^= 1 << Math.floor(random() * 8);
      at.push(p);
    }
    return { what: `bits flipped at ${at.join(', ')}`, bytes };
  }
  if (kind === 2) {
    // A forged header length: huge, just past the end, or just short.
    const view = new DataView(bytes.buffer);
    const choice = Math.floor(random() * 4);
    const value = [2 ** 32 - 1, bytes.length, view.getUint32(0, true) - 1 - Math.floor(random() * 8), Math.floor(random() * 2 ** 32)][choice]!;
    view.setUint32(0, value >>> 0, true);
    if (random() < 0.2) view.setUint32(4, Math.floor(random() * 4), true);
    return { what: `header length set to ${value >>> 0}`, bytes };
  }
  const start = position();
  const length = 1 + Math.floor(random() * 64);
  for (let i = start; i < Math.min(bytes.length, start + length); i++) bytes[i] = kind === 3 ? Math.floor(random() * 256) : 0;
  return { what: `${length} bytes ${kind === 3 ? 'randomized' : 'zeroed'} at ${start}`, bytes };
}

/** A safetensors file with one change to its table or to the header JSON in its metadata, data kept. */
function corruptTable(original: Uint8Array, random: () => number): { what: string; bytes: Uint8Array } {
  const headerLength = new DataView(original.buffer, original.byteOffset).getUint32(0, true);
  const table = JSON.parse(new TextDecoder().decode(original.subarray(8, 8 + headerLength))) as { [key: string]: Json };
  const data = original.subarray(8 + headerLength);
  let what: string;
  const metadata = table['__metadata__'] as { [key: string]: Json } | undefined;
  if (metadata && typeof metadata['attention-lens'] === 'string' && random() < 0.5) {
    const header = JSON.parse(metadata['attention-lens']) as Json;
    what = `metadata: ${mutateStructure(header, random)}`;
    metadata['attention-lens'] = JSON.stringify(header);
  } else {
    what = `table: ${mutateStructure(table, random)}`;
  }
  const text = new TextEncoder().encode(JSON.stringify(table));
  const bytes = new Uint8Array(8 + text.length + data.length);
  new DataView(bytes.buffer).setUint32(0, text.length, true);
  bytes.set(text, 8);
  bytes.set(data, 8 + text.length);
  return { what, bytes };
}

function corruptJsonText(original: Uint8Array, random: () => number): { what: string; bytes: Uint8Array } {
  const value = JSON.parse(new TextDecoder().decode(original)) as Json;
  const changes = 1 + Math.floor(random() * 2);
  const what: string[] = [];
  for (let i = 0; i < changes; i++) what.push(mutateStructure(value, random));
  return { what: what.join('; '), bytes: new TextEncoder().encode(JSON.stringify(value)) };
}

/** What a returned result must satisfy: complete, consistent and checked. */
function assertComplete(file: AttentionFile, what: string): void {
  assert.ok(file.layers >= 1 && file.layers === file.attention.length, `${what}: layer count`);
  assert.equal(file.queryCount, file.queries.tokens.length, `${what}: T_q`);
  assert.equal(file.keyCount, file.keys.tokens.length, `${what}: T_k`);
  for (const layer of file.attention) {
    assert.equal(layer.length, file.heads * file.queryCount * file.keyCount, `${what}: layer size`);
    for (let row = 0; row < file.heads * file.queryCount; row++) {
      let sum = 0;
      for (let k = 0; k < file.keyCount; k++) sum += layer[row * file.keyCount + k]!;
      assert.ok(Math.abs(sum - 1) <= ROW_SUM_TOLERANCE, `${what}: row ${row} sums to ${sum}`);
    }
  }
  for (const sequence of [file.queries, file.keys]) {
    if (!sequence.hasOffsets) continue;
    for (const token of sequence.tokens) assert.ok(token.start! <= token.end! && token.end! <= sequence.source!.text.length, `${what}: offsets`);
  }
}

interface Tally {
  read: number;
  refused: Map<string, number>;
}

function readOne(bytes: Uint8Array, what: string, tally: Tally): void {
  let allocated = 0;
  try {
    const file = readAttentionFile(bytes, { limits: LIMITS, onAllocate: (n) => (allocated += n) });
    assertComplete(file, what);
    tally.read++;
  } catch (err) {
    if (!(err instanceof AttentionFileError)) assert.fail(`${what}: unexpected ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
    assert.ok(err.message.length > 20, `${what}: a message`);
    tally.refused.set(err.kind, (tally.refused.get(err.kind) ?? 0) + 1);
    // Size problems are found from headers and shapes, before the first allocation.
    if (err.kind === 'too-large') assert.equal(allocated, 0, `${what}: allocated ${allocated} bytes before refusing`);
  }
  assert.ok(allocated <= LIMITS.maxDecodedBytes!, `${what}: allocated ${allocated} bytes`);
}

function originals(): { name: string; bytes: Uint8Array; binary: boolean }[] {
  const self = sample({ layers: 2, heads: 2, seed: 11 });
  const cross = sample({ layers: 2, heads: 3, cross: true, parts: true, seed: 12 });
  const files = [
    { name: 'self F32', bytes: sampleSafetensors(self), binary: true },
    { name: 'cross F16 with parts', bytes: sampleSafetensors(cross, 'F16'), binary: true },
    { name: 'self JSON', bytes: new TextEncoder().encode(JSON.stringify(sampleJson(self))), binary: false },
    { name: 'cross JSON with parts', bytes: new TextEncoder().encode(JSON.stringify(sampleJson(cross))), binary: false },
  ];
  // Files written by the Python package, when present.
  if (existsSync(FIXTURES)) {
    for (const name of readdirSync(FIXTURES).filter((n) => n.endsWith('.attention.safetensors') || n.endsWith('.attention.json')).sort()) {
      files.push({ name, bytes: new Uint8Array(readFileSync(path.join(FIXTURES, name))), binary: name.endsWith('.safetensors') });
    }
  }
  return files;
}

describe('reliability: damaged attention files (seeded fuzz)', function () {
  this.timeout(300_000);

  it('12,000 damaged files: a checked result or an AttentionFileError, never more memory than the limits', () => {
    const files = originals();
    for (const file of files) readOne(file.bytes, `${file.name} undamaged`, { read: 0, refused: new Map() });
    const random = seededRandom(20_251_129);
    const tally: Tally = { read: 0, refused: new Map() };
    const total = 12_000;
    for (let i = 0; i < total; i++) {
      const original = files[i % files.length]!;
      const structural = random() < 0.5;
      const { what, bytes } = original.binary
        ? structural
          ? corruptTable(original.bytes, random)
          : corruptBytes(original.bytes, random)
        : structural
          ? corruptJsonText(original.bytes, random)
          : corruptBytes(original.bytes, random);
      readOne(bytes, `case ${i} (${original.name}, ${what})`, tally);
    }
    const refused = [...tally.refused.values()].reduce((a, b) => a + b, 0);
    assert.equal(tally.read + refused, total);
    // The damage must reach both outcomes and most of the checks, or the fuzz proves little.
    assert.ok(tally.read > 100 && refused > total / 2, `${tally.read} read, ${refused} refused`);
    for (const kind of ['truncated', 'too-large', 'json', 'schema', 'dtype', 'shape', 'non-finite', 'not-a-distribution', 'offsets', 'unknown-form']) {
      assert.ok((tally.refused.get(kind) ?? 0) > 0, `no case was refused as '${kind}': ${JSON.stringify([...tally.refused])}`);
    }
  });
});
