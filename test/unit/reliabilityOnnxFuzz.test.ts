// Graph surgery and model loading on damaged ONNX files: seeded truncations, bit flips and
// overwritten spans of the bundled model and of a small model whose attention must be exposed.
// Every outcome is either success or one of the project's own errors with a message; a TypeError,
// RangeError or a crash of the runtime fails the test. (Reading intact and specially built models
// is covered in onnxReadModel.test.ts and exposeAttention.test.ts.)
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AttentionModel } from '../../src/inference/attentionModel';
import { ModelLoadError } from '../../src/inference/modelErrors';
import { inspectModelGraph } from '../../src/inference/modelGraph';
import { UnexpectedOutputError, checkInferenceOutput } from '../../src/inference/outputChecks';
import { AttentionNotFoundError, OnnxFormatError, exposeAttention } from '../../src/onnx';
import { seededRandom } from '../../src/shared/seededRandom';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUNDLED_DIR = path.join(REPO_ROOT, 'media', 'model');
const SMALL_MODEL = path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'attention-2x2.onnx');
const WASM_DIR = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist');

type Corruption = { what: string; bytes: Uint8Array };

/** A damaged copy: cut short, a few bits flipped, or a span overwritten with random bytes or zeros. */
function corrupt(original: Uint8Array, random: () => number, headerBias: boolean): Corruption {
  // The graph structure sits before the weights; biasing damage there reaches the parser's branches.
  const position = () => Math.floor((headerBias && random() < 0.7 ? Math.min(original.length, 8192) : original.length) * random());
  const kind = Math.floor(random() * 4);
  if (kind === 0) {
    const length = position();
    return { what: `truncated to ${length} bytes`, bytes: original.slice(0, length) };
  }
  const bytes = original.slice();
  if (kind === 1) {
    const flips = 1 + Math.floor(random() * 8);
    const at: number[] = [];
    for (let i = 0; i < flips; i++) {
      const p = position();
      bytes[p] ^= 1 << Math.floor(random() * 8);
      at.push(p);
    }
    return { what: `bits flipped at ${at.join(', ')}`, bytes };
  }
  const start = position();
  const length = 1 + Math.floor(random() * 64);
  for (let i = start; i < Math.min(bytes.length, start + length); i++) bytes[i] = kind === 2 ? Math.floor(random() * 256) : 0;
  return { what: `${length} bytes ${kind === 2 ? 'randomized' : 'zeroed'} at ${start}`, bytes };
}

function expectOwnError(err: unknown, what: string, allowed: readonly (new (...args: never[]) => Error)[]): void {
  if (!allowed.some((type) => err instanceof type)) assert.fail(`${what}: unexpected ${err instanceof Error ? `${err.name}: ${err.message}\n${err.stack}` : String(err)}`);
  assert.ok((err as Error).message.length > 10, `${what}: a message`);
}

describe('reliability: damaged ONNX files (seeded fuzz)', function () {
  this.timeout(120_000);

  it('exposeAttention on 300 damaged copies of a model whose attention is hidden: result or OnnxFormatError/AttentionNotFoundError', () => {
    const original = new Uint8Array(readFileSync(SMALL_MODEL));
    const random = seededRandom(1337);
    let exposed = 0;
    for (let i = 0; i < 300; i++) {
      const { what, bytes } = corrupt(original, random, false);
      try {
        exposeAttention(bytes);
        exposed++;
      } catch (err) {
        expectOwnError(err, what, [OnnxFormatError, AttentionNotFoundError]);
      }
    }
    assert.ok(exposed > 0 && exposed < 300, `${exposed} of 300 still exposed`);
  });

  it('inspectModelGraph on 60 damaged copies of the bundled model: result or a ModelLoadError naming the file', () => {
    const original = new Uint8Array(readFileSync(path.join(BUNDLED_DIR, 'model.onnx')));
    const random = seededRandom(2024);
    for (let i = 0; i < 60; i++) {
      const { what, bytes } = corrupt(original, random, true);
      try {
        inspectModelGraph(bytes, '/models/model.onnx');
      } catch (err) {
        expectOwnError(err, what, [ModelLoadError]);
        assert.match((err as Error).message, /\/models\/model\.onnx/, `${what}: names the file`);
      }
    }
  });

  it('inspectModelGraph on 200 damaged copies of a bfloat16 model (converted to float32 field by field): result or a ModelLoadError naming the file', () => {
    const original = new Uint8Array(readFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'models', 'bfloat16.onnx')));
    const random = seededRandom(16);
    let converted = 0;
    for (let i = 0; i < 200; i++) {
      const { what, bytes } = corrupt(original, random, false);
      try {
        if (inspectModelGraph(bytes, '/models/bf16.onnx').upcastTensors > 0) converted++;
      } catch (err) {
        expectOwnError(err, what, [ModelLoadError]);
        assert.match((err as Error).message, /\/models\/bf16\.onnx/, `${what}: names the file`);
      }
    }
    assert.ok(converted > 0 && converted < 200, `${converted} of 200 still converted`);
  });

  it('AttentionModel.load and run on 12 damaged copies: a model that runs with checked output, or a clear error', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'attention-lens-fuzz-'));
    const original = new Uint8Array(readFileSync(path.join(BUNDLED_DIR, 'model.onnx')));
    copyFileSync(path.join(BUNDLED_DIR, 'tokenizer.json'), path.join(folder, 'tokenizer.json'));
    const random = seededRandom(77);
    const outcomes: string[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const { what, bytes } = corrupt(original, random, true);
        writeFileSync(path.join(folder, 'model.onnx'), bytes);
        let model: AttentionModel | undefined;
        try {
          model = await AttentionModel.load({ folder, threads: 1 }, WASM_DIR);
          const output = await model.run('def add(a, b):\n    return a + b\n', 32);
          try {
            checkInferenceOutput(output, model.info);
            outcomes.push('ran');
          } catch (err) {
            expectOwnError(err, what, [UnexpectedOutputError]);
            outcomes.push('refused output');
          }
        } catch (err) {
          // onnxruntime failures during a run surface as plain Errors from its session; they reach the user as a message too.
          expectOwnError(err, what, [ModelLoadError, Error]);
          assert.ok(!(err instanceof TypeError) && !(err instanceof RangeError), `${what}: ${String(err)}`);
          outcomes.push((err as Error).name);
        } finally {
          await model?.dispose();
        }
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
    console.log(`      outcomes: ${outcomes.join(', ')}`);
    // The same worker keeps working after all of that.
    const intact = await AttentionModel.load({ folder: BUNDLED_DIR, threads: 1 }, WASM_DIR);
    try {
      assert.ok((await intact.run('x = 1', 8)).tokens.length > 0);
    } finally {
      await intact.dispose();
    }
  });
});
