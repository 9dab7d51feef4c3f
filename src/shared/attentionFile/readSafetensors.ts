/**
 * The binary form (docs/FORMAT.md, "Binary form"): a safetensors file whose __metadata__ holds the
 * header under "attention-lens" and whose tensors are attention.{layer} [heads, T_q, T_k] and
 * optionally q|k|v|o.{layer}.
 */
import { AttentionFileError } from './attentionFileError';
import { assemble, checkDeclaredCounts, partRows, PART_NAMES, sequenceCounts, type PartName } from './assemble';
import { DecodeBudget } from './budget';
import { isObject, parseHeader, type FileHeader } from './header';
import type { AttentionFileLimits } from './limits';
import { readSafetensorsTable, type SafetensorsEntry } from './safetensors';
import { checkFloatDtype, decodedBytes, tensorFloat32 } from './tensorData';
import type { AttentionFile, LayerParts } from './types';

export const METADATA_KEY = 'attention-lens';
export const BINARY_FORMAT = 'attention-lens/safetensors@1';

/** attention.0, q.12: a reserved prefix, a dot, a layer number without leading zeros. */
const TENSOR_NAME = /^(attention|q|k|v|o)\.(0|[1-9][0-9]{0,5})$/;
const RESERVED_PREFIX = /^(attention|q|k|v|o)\./;

function readHeader(metadata: { readonly [key: string]: string }, limits: AttentionFileLimits): FileHeader {
  const text = Object.prototype.hasOwnProperty.call(metadata, METADATA_KEY) ? metadata[METADATA_KEY] : undefined;
  if (text === undefined) {
    throw new AttentionFileError('schema', `This safetensors file has no __metadata__["${METADATA_KEY}"]: it holds tensors but no tokens. Write attention files with attention_lens.save().`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    throw new AttentionFileError('json', `__metadata__["${METADATA_KEY}"] is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!isObject(header)) throw new AttentionFileError('schema', `__metadata__["${METADATA_KEY}"] must hold a JSON object.`);
  const format = Object.prototype.hasOwnProperty.call(header, 'format') ? header['format'] : undefined;
  if (format !== BINARY_FORMAT) {
    throw new AttentionFileError('schema', `__metadata__["${METADATA_KEY}"].format is ${JSON.stringify(format)}; this version reads "${BINARY_FORMAT}". Update Attention Lens or save the file again.`);
  }
  return parseHeader(header, limits);
}

/** Layer-indexed entries of each reserved name; gaps and malformed names are errors. */
function groupTensors(tensors: ReadonlyMap<string, SafetensorsEntry>): Map<string, SafetensorsEntry[]> {
  const groups = new Map<string, SafetensorsEntry[]>();
  for (const [name, entry] of tensors) {
    const match = TENSOR_NAME.exec(name);
    if (!match) {
      if (RESERVED_PREFIX.test(name)) throw new AttentionFileError('schema', `Tensor name "${name.slice(0, 60)}" is not <name>.<layer> with a layer number like 0 or 12.`);
      continue; // Other tensors (logits, hidden states) may ride along; they are not read.
    }
    const list = groups.get(match[1]!) ?? [];
    list[Number(match[2])] = entry;
    groups.set(match[1]!, list);
  }
  for (const [name, list] of groups) {
    for (let layer = 0; layer < list.length; layer++) {
      if (!list[layer]) throw new AttentionFileError('schema', `There is a tensor ${name}.${list.length - 1} but no ${name}.${layer}: layers must be numbered 0, 1, 2, … without gaps.`);
    }
  }
  return groups;
}

function shapeText(entry: SafetensorsEntry): string {
  return `[${entry.shape.join(', ')}]`;
}

/**
 * @param bytes the whole file; float32 tensors in the result may be views on its buffer.
 * @throws AttentionFileError for any problem; nothing is returned half-read.
 */
export function readSafetensorsAttention(bytes: Uint8Array, limits: AttentionFileLimits, onAllocate?: (bytes: number) => void): AttentionFile {
  const table = readSafetensorsTable(bytes, limits);
  const header = readHeader(table.metadata, limits);
  const { queryCount, keyCount } = sequenceCounts(header);
  const groups = groupTensors(table.tensors);
  const attention = groups.get('attention') ?? [];
  if (attention.length === 0) throw new AttentionFileError('schema', 'The file has no attention.0 tensor: nothing to show.');
  if (attention.length > limits.maxLayers) throw new AttentionFileError('too-large', `The file has ${attention.length} layers, more than the limit of ${limits.maxLayers}.`);

  const heads = attention[0]!.shape[0] ?? 0;
  if (heads < 1 || heads > limits.maxHeads) throw new AttentionFileError('shape', `attention.0 has ${heads} heads; expected 1 to ${limits.maxHeads}.`);
  attention.forEach((entry, layer) => {
    checkFloatDtype(entry);
    const [h, q, k] = entry.shape;
    if (entry.shape.length !== 3 || h !== heads || q !== queryCount || k !== keyCount) {
      throw new AttentionFileError('shape', `attention.${layer} has shape ${shapeText(entry)}; expected [heads=${heads}, queries=${queryCount}, keys=${keyCount}] from the token lists.`);
    }
  });
  checkDeclaredCounts(header, attention.length, heads);

  const partEntries = PART_NAMES.map((name) => [name, groups.get(name)] as const).filter(([, list]) => list !== undefined) as [PartName, SafetensorsEntry[]][];
  const dims = { key: undefined as number | undefined, value: undefined as number | undefined };
  for (const [name, list] of partEntries) {
    if (list.length !== attention.length) throw new AttentionFileError('shape', `The file has ${list.length} ${name} tensors but ${attention.length} attention layers.`);
    list.forEach((entry, layer) => {
      checkFloatDtype(entry);
      const rows = partRows(name, queryCount, keyCount);
      const dimKey = name === 'q' || name === 'k' ? 'key' : 'value';
      const [h, t, d] = entry.shape;
      dims[dimKey] ??= d;
      if (entry.shape.length !== 3 || h !== heads || t !== rows || d !== dims[dimKey] || d === 0) {
        throw new AttentionFileError('shape', `${name}.${layer} has shape ${shapeText(entry)}; expected [heads=${heads}, ${name === 'q' || name === 'o' ? 'queries' : 'keys'}=${rows}, ${dimKey === 'key' ? 'd_k' : 'd_v'}${dims[dimKey] === undefined ? '' : `=${dims[dimKey]}`}].`);
      }
    });
  }

  // Everything is shaped right: plan the memory, then decode.
  const budget = new DecodeBudget(limits.maxDecodedBytes, onAllocate);
  for (const entry of [...attention, ...partEntries.flatMap(([, list]) => list)]) budget.plan(decodedBytes(bytes, entry), 'Decoding the tensors');
  const decodedAttention = attention.map((entry) => tensorFloat32(bytes, entry, budget));
  const parts =
    partEntries.length === 0
      ? undefined
      : attention.map((_, layer): LayerParts => {
          const layerParts: { -readonly [K in keyof LayerParts]: LayerParts[K] } = { keyDim: dims.key, valueDim: dims.value };
          for (const [name, list] of partEntries) layerParts[name] = tensorFloat32(bytes, list[layer]!, budget);
          return layerParts;
        });
  return assemble('safetensors', header, heads, decodedAttention, parts);
}
