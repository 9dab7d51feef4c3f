/** The last step of both readers: value checks, then the finished, immutable result. */
import { AttentionFileError } from './attentionFileError';
import { checkAttentionRows, checkFinite, checkOffsets } from './checks';
import type { FileHeader } from './header';
import type { AttentionFile, LayerParts } from './types';

export const PART_NAMES = ['q', 'k', 'v', 'o'] as const;
export type PartName = (typeof PART_NAMES)[number];

/** T_q and T_k as the token lists give them; every tensor is checked against these. */
export function sequenceCounts(header: FileHeader): { queryCount: number; keyCount: number } {
  const queryCount = header.queries.tokens.length;
  return { queryCount, keyCount: header.keys?.tokens.length ?? queryCount };
}

/** Rows along which q/k/v/o run: q and o over queries, k and v over keys. */
export function partRows(part: PartName, queryCount: number, keyCount: number): number {
  return part === 'q' || part === 'o' ? queryCount : keyCount;
}

/** @throws AttentionFileError 'shape' when the declared layer or head count disagrees with the tensors. */
export function checkDeclaredCounts(header: FileHeader, layers: number, heads: number): void {
  if (header.declaredLayers !== undefined && header.declaredLayers !== layers) {
    throw new AttentionFileError('shape', `model.layers says ${header.declaredLayers} but the file holds attention for ${layers} layers.`);
  }
  if (header.declaredHeads !== undefined && header.declaredHeads !== heads) {
    throw new AttentionFileError('shape', `model.heads says ${header.declaredHeads} but the attention tensors have ${heads} heads.`);
  }
}

/**
 * Checks offsets, attention rows and q/k/v/o values, then builds the result.
 * @param attention per layer [heads, T_q, T_k]
 * @throws AttentionFileError naming the first problem found.
 */
export function assemble(
  form: AttentionFile['form'],
  header: FileHeader,
  heads: number,
  attention: Float32Array[],
  parts: LayerParts[] | undefined,
): AttentionFile {
  const { queryCount, keyCount } = sequenceCounts(header);
  checkOffsets(header.queries, 'tokens');
  if (header.keys) checkOffsets(header.keys, 'keyTokens');
  attention.forEach((layer, index) => checkAttentionRows(layer, index, heads, queryCount, keyCount));
  parts?.forEach((layer, index) => {
    for (const name of PART_NAMES) {
      const data = layer[name];
      if (data) checkFinite(data, `${name}.${index}`);
    }
  });
  const queries = header.queries;
  return Object.freeze({
    form,
    model: header.model,
    kind: header.keys ? 'cross' : 'self',
    queries,
    keys: header.keys ?? queries,
    layers: attention.length,
    heads,
    queryCount,
    keyCount,
    attention,
    parts,
  });
}
