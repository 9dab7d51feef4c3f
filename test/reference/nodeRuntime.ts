/**
 * onnxruntime-web and the tokenizer as tests and scripts use them in plain Node: the wasm
 * runtime from node_modules, one thread (the tests share the machine), ids from the native
 * `tokenizers` package so these checks do not depend on the extension's own tokenizer.
 */
import ort = require('onnxruntime-web');
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tokenizer } from 'tokenizers';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLED_MODEL = path.join(REPO_ROOT, 'media', 'model', 'model.onnx');
export const BUNDLED_TOKENIZER = path.join(REPO_ROOT, 'media', 'model', 'tokenizer.json');

export { ort };

export async function createInferenceRunner(modelBytes: Uint8Array): Promise<ort.InferenceSession> {
  // A file path with a trailing slash; the runtime loads ort-wasm-simd-threaded.{mjs,wasm} from it.
  ort.env.wasm.wasmPaths = path.join(REPO_ROOT, 'node_modules', 'onnxruntime-web', 'dist') + path.sep;
  ort.env.wasm.numThreads = 1;
  // Named, not left to the default: in the unit tests onnxruntime-node registers 'cpu' first
  // (test/unit/setup/nativeBackendFirst.ts), and these checks are of onnxruntime-web.
  return ort.InferenceSession.create(modelBytes, { executionProviders: ['wasm'] });
}

export function readModelBytes(file = BUNDLED_MODEL): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

export interface Tokenized {
  readonly ids: number[];
  /** Token strings in the byte-level alphabet ('Ġ' for a leading space); ASCII punctuation is itself. */
  readonly texts: string[];
}

export async function tokenize(text: string, tokenizerFile = BUNDLED_TOKENIZER): Promise<Tokenized> {
  const encoding = await Tokenizer.fromFile(tokenizerFile).encode(text, null, { addSpecialTokens: false });
  return { ids: encoding.getIds(), texts: encoding.getTokens() };
}

export async function tokenIds(text: string, tokenizerFile = BUNDLED_TOKENIZER): Promise<number[]> {
  return (await tokenize(text, tokenizerFile)).ids;
}

/** input_ids int64 [1, T]. */
export function idsTensor(ids: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), [1, ids.length]);
}
