/**
 * Builds the input feeds a Transformer ONNX model declares, from token ids: the usual Hugging Face
 * names, and the KV-cache inputs of decoders exported by Optimum / transformers.js, which get an
 * empty cache (past length 0), so one run sees the whole text as the prompt.
 * Anything else is refused with a clear message.
 */
import { ModelLoadError } from './modelErrors';

/** Makes one input tensor: an onnxruntime Tensor, or plain data to send to another engine. */
export type TensorFactory<T> = (type: FeedType, data: FeedData, dims: number[]) => T;

export type FeedType = 'int64' | 'int32' | 'float32' | 'float16' | 'bool';
export type FeedData = BigInt64Array | Int32Array | Float32Array | Uint16Array | Uint8Array;

/** What a graph input is, for feeding. */
export type InputRole =
  | 'input_ids'
  | 'attention_mask'
  | 'token_type_ids'
  | 'position_ids'
  | 'cache_position'
  | 'use_cache_branch'
  /** A past key or value tensor, [batch, kv_heads, past, head_dim]; fed with past = 0. */
  | 'past';

/** One graph input as Attention Lens feeds it. */
export interface InputSpec {
  readonly name: string;
  readonly role: InputRole;
  readonly type: FeedType;
  /** For 'past': [kv_heads, head_dim] of the empty [1, kv_heads, 0, head_dim] tensor. */
  readonly pastDims?: readonly [number, number];
}

/** A graph input as read from the ONNX file (see src/onnx readModel). */
export interface DeclaredInput {
  readonly name: string;
  readonly elemType: number | null;
  readonly shape: readonly (number | string | null)[] | null;
}

/** Sizes config.json may give for the cache when the graph leaves them symbolic. */
export interface CacheSizes {
  readonly kvHeads?: number;
  readonly headDim?: number;
}

const ROLE_BY_NAME: Record<string, InputRole> = {
  input_ids: 'input_ids',
  attention_mask: 'attention_mask',
  token_type_ids: 'token_type_ids',
  position_ids: 'position_ids',
  cache_position: 'cache_position',
  use_cache_branch: 'use_cache_branch',
};

/** Optimum / transformers.js cache names: past_key_values.{i}.key, .decoder.key, .encoder.value, … */
const PAST_INPUT = /^past_key_values\.\d+\.(?:(?:decoder|encoder)\.)?(?:key|value)$/;

/** TensorProto element types → feed types (onnx.proto DataType). */
const FLOAT_FEED: Record<number, FeedType> = { 1: 'float32', 10: 'float16' };

export function roleOf(name: string): InputRole | undefined {
  if (Object.hasOwn(ROLE_BY_NAME, name)) return ROLE_BY_NAME[name];
  return PAST_INPUT.test(name) ? 'past' : undefined;
}

function unsupportedInputs(names: readonly string[], modelFile: string): ModelLoadError {
  return new ModelLoadError(
    'unsupported-input',
    `${modelFile} needs ${names.map((n) => `"${n}"`).join(', ')} as input; Attention Lens can fill ` +
      `${Object.keys(ROLE_BY_NAME).join(', ')} and past_key_values.{i}.key/.value (fed empty). ` +
      'Export the model as a plain text encoder or decoder (no encoder outputs or embeddings as inputs).',
  );
}

/**
 * How to feed each input of `inputs`. Throws ModelLoadError('unsupported-input') for an input it
 * cannot fill, for a missing input_ids, and for a cache input whose sizes neither the graph nor
 * config.json (`cache`) state.
 */
export function planInputs(inputs: readonly DeclaredInput[], modelFile: string, cache: CacheSizes = {}): InputSpec[] {
  const unknown = inputs.filter((i) => roleOf(i.name) === undefined).map((i) => i.name);
  if (unknown.length > 0) throw unsupportedInputs(unknown, modelFile);
  if (!inputs.some((i) => i.name === 'input_ids')) {
    throw new ModelLoadError('unsupported-input', `${modelFile} has no "input_ids" input, so token ids cannot be fed to it. Export it with an input_ids input.`);
  }
  return inputs.map((input) => {
    const role = roleOf(input.name)!;
    if (role === 'past') return pastSpec(input, modelFile, cache);
    if (role === 'use_cache_branch') return { name: input.name, role, type: 'bool' };
    return { name: input.name, role, type: input.elemType === 6 ? 'int32' : 'int64' };
  });
}

function pastSpec(input: DeclaredInput, modelFile: string, cache: CacheSizes): InputSpec {
  const type = FLOAT_FEED[input.elemType ?? 1];
  if (type === undefined) {
    throw new ModelLoadError('unsupported-input', `${modelFile}: the cache input "${input.name}" has element type ${input.elemType}; Attention Lens feeds float32 or float16 caches.`);
  }
  const shape = input.shape;
  if (shape !== null && shape.length !== 4) {
    throw new ModelLoadError('unsupported-input', `${modelFile}: the cache input "${input.name}" has rank ${shape.length}; Attention Lens feeds [batch, kv_heads, past, head_dim].`);
  }
  const kvHeads = typeof shape?.[1] === 'number' ? shape[1] : cache.kvHeads;
  const headDim = typeof shape?.[3] === 'number' ? shape[3] : cache.headDim;
  if (kvHeads === undefined || headDim === undefined) {
    throw new ModelLoadError(
      'unsupported-input',
      `${modelFile}: the cache input "${input.name}" does not state its key/value heads and head size, and no config.json beside the model does. ` +
        'Put the model\'s config.json (with num_key_value_heads or num_attention_heads, and head_dim or hidden_size) beside it.',
    );
  }
  return { name: input.name, role: 'past', type, pastDims: [kvHeads, headDim] };
}

/** Feeds for a batch of one sequence of `ids`: [1, T] ids, masks and positions, an empty cache. */
export function buildFeeds<T>(inputs: readonly InputSpec[], ids: readonly number[], makeTensor: TensorFactory<T>): Record<string, T> {
  const feeds: Record<string, T> = {};
  const length = ids.length;
  for (const input of inputs) {
    // dims hold T values at most (one sequence), all integers of the input's type.
    const integers = (value: (i: number) => number, dims: number[]): T => {
      const data = input.type === 'int32' ? Int32Array.from({ length }, (_, i) => value(i)) : BigInt64Array.from({ length }, (_, i) => BigInt(value(i)));
      return makeTensor(input.type, data, dims);
    };
    switch (input.role) {
      case 'input_ids':
        feeds[input.name] = integers((i) => ids[i]!, [1, length]);
        break;
      case 'attention_mask':
        // Covers past + T; the past is empty.
        feeds[input.name] = integers(() => 1, [1, length]);
        break;
      case 'token_type_ids':
        feeds[input.name] = integers(() => 0, [1, length]);
        break;
      case 'position_ids':
        feeds[input.name] = integers((i) => i, [1, length]);
        break;
      case 'cache_position':
        feeds[input.name] = integers((i) => i, [length]);
        break;
      case 'use_cache_branch':
        // false: the branch without a cache, as for a first (prompt) step.
        feeds[input.name] = makeTensor('bool', new Uint8Array([0]), [1]);
        break;
      case 'past': {
        const [kvHeads, headDim] = input.pastDims!;
        feeds[input.name] = makeTensor(input.type, input.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), [1, kvHeads, 0, headDim]);
        break;
      }
    }
  }
  return feeds;
}
