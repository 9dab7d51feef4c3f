/**
 * The JSON form (docs/FORMAT.md, "JSON form"): `attention-lens/result@1` as the panel's export and
 * the command-line tool write it, plus the optional fields added for files from elsewhere.
 * attention is nested [layer][head][query][key]; parts, when present, [layer][head][row][dim].
 */
import { AttentionFileError } from './attentionFileError';
import { assemble, checkDeclaredCounts, partRows, PART_NAMES, sequenceCounts, type PartName } from './assemble';
import { DecodeBudget } from './budget';
import { describe, isObject, parseHeader } from './header';
import type { AttentionFileLimits } from './limits';
import type { AttentionFile, LayerParts } from './types';

export const JSON_FORMAT = 'attention-lens/result@1';

function own(object: { readonly [key: string]: unknown }, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * The shape of a nested array, following the first element at each depth, as far as `depth`
 * levels; the full check happens while copying.
 */
function nestedShape(value: unknown, depth: number): number[] {
  const shape: number[] = [];
  let at = value;
  for (let d = 0; d < depth && Array.isArray(at); d++) {
    shape.push(at.length);
    at = at[0];
  }
  return shape;
}

/** Copies a [a][b][c][d] array of numbers into `out`, checking every length on the way; `hint` says where the lengths come from. */
function copyNested(value: unknown, shape: readonly number[], out: Float32Array, name: string, hint: string): void {
  let offset = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new AttentionFileError('schema', `${name}${path} is ${describe(node)}, not a number.`);
      out[offset++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new AttentionFileError('shape', `${name}${path} is ${describe(node)}; expected an array of ${shape[depth]} (${hint}).`);
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
}

/**
 * Reads an already parsed JSON value (a notebook output's data, or JSON.parse of a file).
 * @throws AttentionFileError for any problem; nothing is returned half-read.
 */
export function readJsonAttention(value: unknown, limits: AttentionFileLimits, onAllocate?: (bytes: number) => void): AttentionFile {
  if (!isObject(value)) throw new AttentionFileError('schema', `An attention file must be a JSON object, not ${describe(value)}.`);
  const format = own(value, 'format');
  if (format !== JSON_FORMAT) {
    throw new AttentionFileError('schema', `"format" is ${describe(format)}; this version reads "${JSON_FORMAT}". Export the file again or update Attention Lens.`);
  }
  const header = parseHeader(value, limits);
  const { queryCount, keyCount } = sequenceCounts(header);

  const attentionValue = own(value, 'attention');
  const [layers = 0, heads = 0] = nestedShape(attentionValue, 2);
  if (!Array.isArray(attentionValue) || layers === 0) throw new AttentionFileError('schema', '"attention" must be a non-empty array [layer][head][query][key].');
  if (layers > limits.maxLayers) throw new AttentionFileError('too-large', `The file has ${layers} layers, more than the limit of ${limits.maxLayers}.`);
  if (heads < 1 || heads > limits.maxHeads) throw new AttentionFileError('shape', `attention[0] has ${heads} heads; expected 1 to ${limits.maxHeads}.`);
  checkDeclaredCounts(header, layers, heads);

  const partsValue = own(value, 'parts');
  if (partsValue !== undefined && !isObject(partsValue)) throw new AttentionFileError('schema', `"parts" must be an object { q, k, v, o }, not ${describe(partsValue)}.`);
  const present = PART_NAMES.filter((name) => partsValue !== undefined && own(partsValue, name) !== undefined);
  const partDims = new Map<PartName, number>();
  for (const name of present) {
    const shape = nestedShape(own(partsValue as object as { [key: string]: unknown }, name), 4);
    const d = shape[3] ?? 0;
    if (d < 1 || d > 65_536) throw new AttentionFileError('shape', `parts.${name} must be [layer][head][row][dim] with 1 to 65536 dims per head.`);
    partDims.set(name, d);
  }
  const keyDim = partDims.get('q') ?? partDims.get('k');
  const valueDim = partDims.get('v') ?? partDims.get('o');
  for (const [name, d] of partDims) {
    const expected = name === 'q' || name === 'k' ? keyDim : valueDim;
    if (d !== expected) throw new AttentionFileError('shape', `parts.${name} has ${d} dims per head but ${name === 'k' ? 'q' : name === 'o' ? 'v' : name === 'q' ? 'k' : 'o'} has ${expected}.`);
  }

  const layerSize = heads * queryCount * keyCount;
  const budget = new DecodeBudget(limits.maxDecodedBytes, onAllocate);
  budget.plan(layers * layerSize * 4, 'The attention tensors');
  for (const name of present) budget.plan(layers * heads * partRows(name, queryCount, keyCount) * partDims.get(name)! * 4, `parts.${name}`);

  const attention = (attentionValue as unknown[]).map((layer, index) => {
    const out = budget.float32(layerSize);
    copyNested(layer, [heads, queryCount, keyCount], out, `attention[${index}]`, `[heads=${heads}, queries=${queryCount}, keys=${keyCount}]: heads from attention[0], queries and keys from the token lists`);
    return out;
  });
  let parts: LayerParts[] | undefined;
  if (present.length > 0) {
    parts = attention.map(() => ({ keyDim, valueDim }));
    for (const name of present) {
      const perLayer = own(partsValue as { [key: string]: unknown }, name);
      if (!Array.isArray(perLayer) || perLayer.length !== layers) throw new AttentionFileError('shape', `parts.${name} must have one entry per layer (${layers}).`);
      const rows = partRows(name, queryCount, keyCount);
      const d = partDims.get(name)!;
      perLayer.forEach((layer: unknown, index) => {
        const out = budget.float32(heads * rows * d);
        copyNested(layer, [heads, rows, d], out, `parts.${name}[${index}]`, `[heads=${heads}, ${name === 'q' || name === 'o' ? 'queries' : 'keys'}=${rows}, dims=${d}]`);
        (parts![index] as { [K in PartName]?: Float32Array })[name] = out;
      });
    }
  }
  return assemble('json', header, heads, attention, parts);
}
