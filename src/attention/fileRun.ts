/**
 * Turns an attention file read by src/shared/attentionFile into an AttentionRun, the form every
 * view, the hover and the shading read, so a result saved elsewhere (PyTorch, the command line)
 * is shown exactly as a run of the extension. Pure: where the tokens are placed (a document whose
 * text still matches, or nowhere) is decided by the caller (fileSource.ts).
 */
import { inMemoryLayers } from '../shared/attentionLayers';
import type { AttentionFile } from '../shared/attentionFile';
import { fileTokens } from '../shared/fileTokens';
import type { LayerVectors } from '../inference/runTypes';
import type { AttentionRun } from './attentionRun';

/**
 * Run ids of results read from files start here, far above the ids the Analyzer counts up from 1
 * and below the protocol's MAX_INDEX (2^24), so a file's result and a run never share an id.
 */
export const FILE_RUN_ID_BASE = 1 << 23;
let nextFileRunId = FILE_RUN_ID_BASE;

/** Where a file's tokens are shown. */
export type FilePlacement =
  /** Offsets into `uri` (a text document at `version`), whose text at `baseOffset` is the file's source text. */
  | { readonly kind: 'document'; readonly uri: string; readonly version: number; readonly baseOffset: number; readonly label: string }
  /** On their own, tied to no document; `reason` says why, for the view. */
  | { readonly kind: 'alone'; readonly uri: string; readonly label: string; readonly reason: string };

/** The file's q/k/v/o as the math view takes them; undefined unless every layer has all four with d_k = d_v. */
export function fileVectors(file: AttentionFile): LayerVectors[] | undefined {
  if (!file.parts) return undefined;
  const vectors: LayerVectors[] = [];
  for (const part of file.parts) {
    if (!part.q || !part.k || !part.v || !part.o || part.keyDim === undefined || part.keyDim !== part.valueDim) return undefined;
    vectors.push({ q: part.q, k: part.k, v: part.v, o: part.o, headDim: part.keyDim });
  }
  return vectors;
}

/**
 * The run a self-attention file stands for: attention [heads, T, T] per layer as read (no copy),
 * tokens placed as `placement` says. Timings are zero: nothing ran.
 * @throws Error for a cross-attention file (T_q × T_k): runs are square.
 */
export function runFromFile(file: AttentionFile, placement: FilePlacement): AttentionRun {
  if (file.kind !== 'self') throw new Error('A cross-attention file has two token sequences; a run has one.');
  const { text, tokens } = fileTokens(file.queries);
  return {
    runId: nextFileRunId++,
    documentUri: placement.uri,
    documentVersion: placement.kind === 'document' ? placement.version : 0,
    baseOffset: placement.kind === 'document' ? placement.baseOffset : 0,
    text,
    tokens,
    attention: inMemoryLayers(file.attention, tokens.length),
    vectors: fileVectors(file),
    model: {
      name: file.model.name,
      layers: file.layers,
      heads: file.heads,
      context: file.model.context ?? tokens.length,
      causal: file.model.causal,
      vocabSize: 0,
      backend: `${file.form === 'json' ? 'JSON' : 'safetensors'} file`,
      loadMs: 0,
    },
    truncated: false,
    source: placement.label,
    timings: { tokenize: 0, inference: 0, load: 0, transfer: 0, total: 0 },
  };
}
