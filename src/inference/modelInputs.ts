/**
 * Build the input feeds a Transformer ONNX model declares, from token ids.
 * Knows the usual Hugging Face input names; anything else is refused with a clear message.
 */
import type { InferenceSession } from 'onnxruntime-web';
import { ModelLoadError } from './modelErrors';

/** Makes one input tensor: an onnxruntime Tensor, or plain data to send to another engine. */
export type TensorFactory<T> = (type: 'int64' | 'int32', data: BigInt64Array | Int32Array, dims: number[]) => T;

type IntegerType = 'int64' | 'int32';

function integerType(meta: InferenceSession.ValueMetadata): IntegerType {
  if (meta.isTensor && meta.type === 'int32') return 'int32';
  return 'int64';
}

function filled(type: IntegerType, length: number, value: (i: number) => number): BigInt64Array | Int32Array {
  if (type === 'int32') return Int32Array.from({ length }, (_, i) => value(i));
  return BigInt64Array.from({ length }, (_, i) => BigInt(value(i)));
}

/** Values for each known input name at position i of a sequence of ids. */
const INPUT_VALUES: Record<string, (ids: readonly number[], i: number) => number> = {
  input_ids: (ids, i) => ids[i],
  attention_mask: () => 1,
  token_type_ids: () => 0,
  position_ids: (_ids, i) => i,
};

function isKnown(name: string): boolean {
  return Object.hasOwn(INPUT_VALUES, name);
}

function unsupportedInputs(names: readonly string[], modelFile: string): ModelLoadError {
  return new ModelLoadError(
    'unsupported-input',
    `${modelFile} needs ${names.map((n) => `"${n}"`).join(', ')} as input; Attention Lens can fill ${Object.keys(INPUT_VALUES).join(', ')}. ` +
      'Export the model as a plain text encoder or decoder (no past key values, no encoder outputs or embeddings as inputs).',
  );
}

/** Throws ModelLoadError('unsupported-input') unless Attention Lens can fill every input of `names`. */
export function checkInputs(names: readonly string[], modelFile: string): void {
  const unknown = names.filter((name) => !isKnown(name));
  if (unknown.length > 0) throw unsupportedInputs(unknown, modelFile);
  if (!names.includes('input_ids')) {
    throw new ModelLoadError('unsupported-input', `${modelFile} has no "input_ids" input, so token ids cannot be fed to it. Export it with an input_ids input.`);
  }
}

/** Feeds for a batch of one sequence: [1, T] for every declared input. */
export function buildFeeds<T>(
  inputs: readonly InferenceSession.ValueMetadata[],
  ids: readonly number[],
  makeTensor: TensorFactory<T>,
): Record<string, T> {
  const feeds: Record<string, T> = {};
  for (const meta of inputs) {
    if (!isKnown(meta.name)) throw unsupportedInputs([meta.name], 'The model');
    const value = INPUT_VALUES[meta.name];
    const type = integerType(meta);
    feeds[meta.name] = makeTensor(type, filled(type, ids.length, (i) => value(ids, i)), [1, ids.length]);
  }
  return feeds;
}
