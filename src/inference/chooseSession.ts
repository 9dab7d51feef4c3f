/**
 * Chooses how a loaded model runs: in one pass (one onnxruntime session), or layer by layer
 * (layeredSession.ts) when its attention at its full context would be large: `layers x heads x
 * context² x 4` bytes of float32 at or above `layeredFromBytes` (default 1 GiB; 12 x 12 heads at
 * 2048 tokens is 2.4 GB). Only on the native runtime: onnxruntime-web's WebAssembly heap never
 * shrinks, so a run layer by layer would not lower its peak there.
 *
 * The head count is not in the graph: where config.json does not state it and the layer count
 * alone cannot settle the choice (at one head the attention would already reach the bound, or at
 * MAX_HEADS it would stay below), the first piece is created and run on the warm-up tokens to
 * read it; a model that then runs in one pass reuses the bytes, so nothing is loaded twice at once.
 */
import type * as ort from 'onnxruntime-web';
import { HeldBytes } from './heldBytes';
import { createLayeredSession, type PieceSessionFactory } from './layeredSession';
import { onePassSession, type ViewSession } from './viewSession';

/** Default of ModelLocation.layeredFromBytes: 1 GiB of attention at the model's context. */
export const LAYERED_FROM_BYTES = 1024 ** 3;
/** More query heads than any published model has (Llama 3.1 405B: 128). */
export const MAX_HEADS = 128;

export interface SessionChoice {
  readonly layers: number;
  /** The model's context in tokens: the longest run it can be asked for. */
  readonly context: number;
  /** Outputs of each layer, in layer order: the pieces of a layered run. */
  readonly stages: readonly (readonly string[])[];
  readonly layeredFromBytes: number;
  /** Query heads, when the model's config.json states them: then no probe is needed. */
  readonly heads?: number;
  /** Heads of a model from its first layer's output, given that layer's session (warm-up run). */
  readonly headsOf: (firstPiece: ort.InferenceSession) => Promise<number>;
  /** One-pass session from the model's bytes (takes them). */
  readonly createOnePass: (model: HeldBytes) => Promise<ort.InferenceSession>;
  /** A piece's session (arena off: see layeredSession.ts). */
  readonly createPiece: PieceSessionFactory;
}

/** Attention bytes of one run at `tokens` tokens: layers x heads x tokens² float32. */
function attentionAt(layers: number, heads: number, tokens: number): number {
  return layers * heads * tokens * tokens * 4;
}

/**
 * The session `model` runs with, on the native runtime (`native`), else in one pass.
 * @throws as createLayeredSession and the factories do.
 */
export async function chooseSession(model: HeldBytes, native: boolean, choice: SessionChoice): Promise<ViewSession> {
  const { layers, context, layeredFromBytes } = choice;
  const [fewest, most] = choice.heads !== undefined ? [choice.heads, choice.heads] : [1, MAX_HEADS];
  if (!native || layers === 0 || attentionAt(layers, most, context) < layeredFromBytes) return onePassSession(await choice.createOnePass(model));
  if (attentionAt(layers, fewest, context) >= layeredFromBytes) return createLayeredSession(model.take(), choice.stages, choice.createPiece);
  // Undecided until the heads are known: the first piece tells, built from the same bytes.
  // In a box, so that the fallback below can let go of them (see there).
  const box: { bytes?: Uint8Array } = { bytes: model.take() };
  let firstHeads: number | undefined;
  const probe: PieceSessionFactory = async (piece) => {
    const session = await choice.createPiece(piece);
    if (firstHeads === undefined) {
      firstHeads = await choice.headsOf(session);
      if (attentionAt(layers, firstHeads, context) < layeredFromBytes) {
        await session.release();
        throw new OnePassInstead();
      }
    }
    return session;
  };
  try {
    return await createLayeredSession(box.bytes!, choice.stages, probe);
  } catch (err) {
    if (!(err instanceof OnePassInstead)) throw err;
    // Handed over whole: no reference here may keep the bytes alive while onnxruntime builds
    // its own copy (this function's locals outlive its awaits). Held, they had raised a
    // BERT-base-size load's peak by 300 MB.
    const held = new HeldBytes(box.bytes!);
    delete box.bytes;
    return onePassSession(await choice.createOnePass(held));
  }
}

/** Thrown by the probe to stop a layered build: the model runs in one pass. */
class OnePassInstead extends Error {}
