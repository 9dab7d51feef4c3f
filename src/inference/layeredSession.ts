/**
 * A model run one layer at a time: one onnxruntime session per piece of its graph
 * (onnx/splitGraph.ts), each fed the model's inputs it reads and the tensors earlier pieces
 * computed for it. Peak memory is then one layer's working memory and outputs, not every layer's
 * outputs at once (the reason, measured: splitGraph.ts). The weights are held once: each
 * initializer lives in the piece that reads it (shared ones, rare, in each reader).
 *
 * The pieces' sessions run without onnxruntime's CPU memory arena: an arena keeps the largest
 * buffers a session ever used, and with one session per layer each would keep its own layer's
 * working memory after the run (twelve times one layer's peak, for a 12-layer model).
 */
import type * as ort from 'onnxruntime-web';
import { splitGraph, SplitGraphError, type GraphSplit } from '../onnx/splitGraph';
import type { ViewSession } from './viewSession';

/** ONNX TensorProto.DataType of each onnxruntime tensor type (onnx/onnx.proto). */
const ONNX_TYPE: Readonly<Record<string, number>> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9,
  float16: 10, float64: 11, uint32: 12, uint64: 13,
};

/** Creates one piece's session from its model bytes (taken: not used by the caller afterwards). */
export type PieceSessionFactory = (modelBytes: Uint8Array) => Promise<ort.InferenceSession>;

/**
 * Splits `modelBytes` into one piece per stage (`stages[k]`: the outputs layer `k` gives) and
 * creates their sessions in order, each piece's carried inputs typed from the sessions before it.
 * `modelBytes` must not be used by the caller afterwards.
 * @throws SplitGraphError when the graph cannot be split (an output no node produces, a carried
 *   value that is not a tensor); onnxruntime's Error when a piece does not load. Sessions created
 *   before a failure are released.
 */
export async function createLayeredSession(modelBytes: Uint8Array, stages: readonly (readonly string[])[], create: PieceSessionFactory): Promise<ViewSession> {
  const { sessions, pieces, lastReader } = await createPieces(splitGraph(modelBytes, stages), create);
  return {
    kind: 'layered',
    run: async (feeds, fetches, onOutputs) => {
      const wanted = new Set(fetches);
      const carried = new Map<string, ort.Tensor>();
      try {
        for (const [k, piece] of pieces.entries()) {
          const pieceFeeds: Record<string, ort.Tensor> = {};
          for (const name of piece.modelInputs) pieceFeeds[name] = feeds[name]!;
          for (const name of piece.carriedIn) pieceFeeds[name] = carried.get(name)!;
          const results = await sessions[k]!.run(pieceFeeds);
          const outputs: Record<string, ort.Tensor> = {};
          for (const [name, tensor] of Object.entries(results)) {
            if (piece.carriedOut.includes(name)) carried.set(name, tensor);
            if (wanted.has(name)) outputs[name] = tensor;
          }
          onOutputs(outputs);
          for (const [name, tensor] of Object.entries(results)) if (!piece.carriedOut.includes(name)) tensor.dispose();
          // Carried tensors are freed once their last reader ran.
          for (const [name, tensor] of carried) {
            if ((lastReader.get(name) ?? -1) > k) continue;
            carried.delete(name);
            tensor.dispose();
          }
        }
      } finally {
        for (const tensor of carried.values()) tensor.dispose();
      }
    },
    release: async () => {
      await Promise.all(sessions.map((s) => s.release()));
    },
  };
}

/** The pieces' sessions, created in order (see createLayeredSession). The split, which holds the
 *  model's bytes, is not kept: once the sessions exist they are garbage. */
async function createPieces(split: GraphSplit, create: PieceSessionFactory) {
  const types = new Map<string, number>();
  const sessions: ort.InferenceSession[] = [];
  try {
    for (let k = 0; k < split.pieces.length; k++) {
      const session = await create(split.pieceModel(k, types));
      sessions.push(session);
      for (const name of split.pieces[k]!.carriedOut) {
        const meta = session.outputMetadata.find((m) => m.name === name);
        const type = meta?.isTensor ? ONNX_TYPE[meta.type] : undefined;
        if (type === undefined) throw new SplitGraphError(`"${name}", which a later layer reads, is not a tensor onnxruntime can hand over (${meta?.isTensor ? meta.type : 'not a tensor'}).`);
        types.set(name, type);
      }
    }
  } catch (err) {
    await Promise.allSettled(sessions.map((s) => s.release()));
    throw err;
  }
  return { sessions, pieces: split.pieces, lastReader: split.lastReader };
}
