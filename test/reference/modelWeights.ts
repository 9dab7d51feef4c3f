/**
 * The bundled model's weights, taken from the ONNX initializers under their PyTorch names
 * (training/model.py), plus the sizes the reference forward pass needs.
 */
import { tensorToFloat32 } from '../../src/onnx/tensorData';
import type { OnnxModel } from '../../src/onnx/readModel';

/** nn.Linear: weight [out, in] row-major, y = x W^T + b. */
export interface Linear {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
  readonly inFeatures: number;
  readonly outFeatures: number;
}

/** nn.LayerNorm over the last dimension. */
export interface LayerNorm {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

export interface LayerWeights {
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly out: Linear;
  readonly ff1: Linear;
  readonly ff2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
}

export interface ModelWeights {
  readonly vocab: number;
  readonly dModel: number;
  readonly heads: number;
  readonly dFf: number;
  /** [vocab, dModel]; also the decoder weight (tied). */
  readonly embed: Float32Array;
  readonly decoderBias: Float32Array;
  readonly layers: readonly LayerWeights[];
}

export function loadModelWeights(model: OnnxModel): ModelWeights {
  const get = (name: string): { data: Float32Array; dims: readonly number[] } => {
    const tensor = model.graph.initializers.get(name);
    if (!tensor) throw new Error(`The model has no initializer '${name}'.`);
    return { data: tensorToFloat32(tensor), dims: tensor.dims };
  };
  const linear = (prefix: string): Linear => {
    const weight = model.graph.initializers.has(`${prefix}.weight`) ? get(`${prefix}.weight`) : foldedLinearWeight(model, prefix);
    return { weight: weight.data, bias: get(`${prefix}.bias`).data, outFeatures: weight.dims[0]!, inFeatures: weight.dims[1]! };
  };
  const layerNorm = (prefix: string): LayerNorm => ({ weight: get(`${prefix}.weight`).data, bias: get(`${prefix}.bias`).data });

  const embed = get('model.embed.weight');
  const layers: LayerWeights[] = [];
  // Layers are counted by a bias name, which exports with and without constant folding keep.
  for (let l = 0; model.graph.initializers.has(`model.layers.${l}.attn.q.bias`); l++) {
    const p = `model.layers.${l}`;
    layers.push({
      q: linear(`${p}.attn.q`),
      k: linear(`${p}.attn.k`),
      v: linear(`${p}.attn.v`),
      out: linear(`${p}.attn.out`),
      ff1: linear(`${p}.ff1`),
      ff2: linear(`${p}.ff2`),
      norm1: layerNorm(`${p}.norm1`),
      norm2: layerNorm(`${p}.norm2`),
    });
  }
  if (layers.length === 0) throw new Error("The model has no 'model.layers.0.*' weights: not this project's Transformer.");
  return {
    vocab: embed.dims[0]!,
    dModel: embed.dims[1]!,
    heads: headCount(model),
    dFf: layers[0]?.ff1.outFeatures ?? 0,
    embed: embed.data,
    decoderBias: get('model.decoder.bias').data,
    layers,
  };
}

/**
 * Exports made with constant folding store W^T as an anonymous MatMul initializer
 * ('onnx::MatMul_525', [in, out]) instead of '<prefix>.weight'. The bias keeps its name, so the
 * weight is found as the constant input of the MatMul feeding the Add that uses the bias.
 */
function foldedLinearWeight(model: OnnxModel, prefix: string): { data: Float32Array; dims: readonly number[] } {
  const bias = `${prefix}.bias`;
  const { nodes, initializers } = model.graph;
  const add = nodes.find((n) => n.opType === 'Add' && n.inputs.includes(bias));
  const product = add?.inputs.find((name) => name !== bias);
  const matMul = nodes.find((n) => n.opType === 'MatMul' && product !== undefined && n.outputs.includes(product));
  const transposed = matMul?.inputs.map((name) => initializers.get(name)).find((t) => t !== undefined);
  if (!transposed || transposed.dims.length !== 2) throw new Error(`The model has no weight for '${prefix}'.`);
  const [inFeatures, outFeatures] = transposed.dims as [number, number];
  const values = tensorToFloat32(transposed);
  const data = new Float32Array(values.length);
  for (let i = 0; i < inFeatures; i++) for (let o = 0; o < outFeatures; o++) data[o * inFeatures + i] = values[i * outFeatures + o]!;
  return { data, dims: [outFeatures, inFeatures] };
}

/** The weights do not reveal the head count; the exported q_0 output's shape [1, H, T, d_k] does. */
function headCount(model: OnnxModel): number {
  const heads = model.graph.outputs.find((o) => o.name === 'q_0')?.shape?.[1];
  if (typeof heads !== 'number') throw new Error("The model declares no output 'q_0' with a fixed head dimension.");
  return heads;
}

/** Trainable floats, the tied embedding counted once (an export may store it twice). */
export function parameterCount(weights: ModelWeights): number {
  const linear = (p: Linear): number => p.weight.length + p.bias.length;
  const norm = (p: LayerNorm): number => p.weight.length + p.bias.length;
  const perLayer = weights.layers.map(
    (l) => linear(l.q) + linear(l.k) + linear(l.v) + linear(l.out) + linear(l.ff1) + linear(l.ff2) + norm(l.norm1) + norm(l.norm2),
  );
  return weights.embed.length + weights.decoderBias.length + perLayer.reduce((a, b) => a + b, 0);
}
