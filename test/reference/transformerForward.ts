/**
 * The bundled model's forward pass written out in plain loops, independent of onnxruntime:
 * the textbook post-norm Transformer LM of training/model.py. Tests compare the exported
 * graph against it, so the numbers the extension shows are known to be the model's math.
 *
 * Activations are Float64Array; layouts are row-major and drop the batch dimension:
 * logits [T, vocab], attn [H, T, T], q/k/v/o [H, T, d_k].
 */
import type { LayerNorm, LayerWeights, Linear, ModelWeights } from './modelWeights';

const LAYER_NORM_EPS = 1e-5;

export interface LayerParts {
  /** softmax(Q K^T / sqrt(d_k) + causal mask): row = query, column = key. */
  readonly attn: Float64Array;
  readonly q: Float64Array;
  readonly k: Float64Array;
  readonly v: Float64Array;
  /** attn . V, per head, before the output projection. */
  readonly o: Float64Array;
}

export interface ForwardResult {
  readonly logits: Float64Array;
  readonly layers: readonly LayerParts[];
}

export function transformerForward(weights: ModelWeights, ids: readonly number[]): ForwardResult {
  const T = ids.length;
  const D = weights.dModel;
  let x = embedWithPositions(weights, ids);
  const layers: LayerParts[] = [];
  for (const layer of weights.layers) {
    const parts = selfAttention(layer, weights.heads, x, T);
    const attended = linear(layer.out, mergeHeads(parts.o, weights.heads, T, D / weights.heads), T);
    x = layerNorm(layer.norm1, add(x, attended), T);
    const hidden = relu(linear(layer.ff1, x, T));
    x = layerNorm(layer.norm2, add(x, linear(layer.ff2, hidden, T)), T);
    layers.push(parts);
  }
  return { logits: tiedDecoder(weights, x, T), layers };
}

/** The sinusoidal table of model.py: even columns sin(pos * f_i), odd columns cos(pos * f_i). */
export function sinusoidalPosition(pos: number, column: number, dModel: number): number {
  const pairStart = column - (column % 2);
  // model.py computes the frequency in float32; Math.fround keeps this table bit-comparable.
  const frequency = Math.fround(Math.exp(pairStart * Math.fround(-Math.log(10000) / dModel)));
  const angle = Math.fround(pos * frequency);
  return column % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
}

function embedWithPositions(weights: ModelWeights, ids: readonly number[]): Float64Array {
  const D = weights.dModel;
  const scale = Math.sqrt(D);
  const x = new Float64Array(ids.length * D);
  ids.forEach((id, t) => {
    for (let c = 0; c < D; c++) x[t * D + c] = weights.embed[id * D + c]! * scale + sinusoidalPosition(t, c, D);
  });
  return x;
}

function selfAttention(layer: LayerWeights, H: number, x: Float64Array, T: number): LayerParts {
  const D = layer.q.outFeatures;
  const dK = D / H;
  const q = splitHeads(linear(layer.q, x, T), H, T, dK);
  const k = splitHeads(linear(layer.k, x, T), H, T, dK);
  const v = splitHeads(linear(layer.v, x, T), H, T, dK);
  const attn = new Float64Array(H * T * T);
  const o = new Float64Array(H * T * dK);
  const scale = 1 / Math.sqrt(dK);
  for (let h = 0; h < H; h++) {
    for (let i = 0; i < T; i++) {
      const row = h * T * T + i * T;
      // Causal mask: keys j > i get -inf, i.e. weight exactly 0, so only j <= i are scored.
      let max = -Infinity;
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let c = 0; c < dK; c++) dot += q[(h * T + i) * dK + c]! * k[(h * T + j) * dK + c]!;
        attn[row + j] = dot * scale;
        max = Math.max(max, attn[row + j]!);
      }
      let sum = 0;
      for (let j = 0; j <= i; j++) {
        attn[row + j] = Math.exp(attn[row + j]! - max);
        sum += attn[row + j]!;
      }
      for (let j = 0; j <= i; j++) attn[row + j]! /= sum;
      for (let c = 0; c < dK; c++) {
        let acc = 0;
        for (let j = 0; j <= i; j++) acc += attn[row + j]! * v[(h * T + j) * dK + c]!;
        o[(h * T + i) * dK + c] = acc;
      }
    }
  }
  return { attn, q, k, v, o };
}

/** y = x W^T + b over T rows. */
function linear(p: Linear, x: Float64Array, T: number): Float64Array {
  const y = new Float64Array(T * p.outFeatures);
  for (let t = 0; t < T; t++) {
    for (let out = 0; out < p.outFeatures; out++) {
      let acc = p.bias[out]!;
      for (let i = 0; i < p.inFeatures; i++) acc += x[t * p.inFeatures + i]! * p.weight[out * p.inFeatures + i]!;
      y[t * p.outFeatures + out] = acc;
    }
  }
  return y;
}

/** Decoder tied to the embedding: logits = x E^T + decoder.bias. */
function tiedDecoder(weights: ModelWeights, x: Float64Array, T: number): Float64Array {
  return linear({ weight: weights.embed, bias: weights.decoderBias, inFeatures: weights.dModel, outFeatures: weights.vocab }, x, T);
}

/** Biased variance, as nn.LayerNorm computes it. */
function layerNorm(p: LayerNorm, x: Float64Array, T: number): Float64Array {
  const D = p.weight.length;
  const y = new Float64Array(x.length);
  for (let t = 0; t < T; t++) {
    let mean = 0;
    for (let c = 0; c < D; c++) mean += x[t * D + c]!;
    mean /= D;
    let variance = 0;
    for (let c = 0; c < D; c++) variance += (x[t * D + c]! - mean) ** 2;
    variance /= D;
    const inv = 1 / Math.sqrt(variance + LAYER_NORM_EPS);
    for (let c = 0; c < D; c++) y[t * D + c] = (x[t * D + c]! - mean) * inv * p.weight[c]! + p.bias[c]!;
  }
  return y;
}

/** [T, H * d_k] -> [H, T, d_k] */
function splitHeads(x: Float64Array, H: number, T: number, dK: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let h = 0; h < H; h++)
    for (let t = 0; t < T; t++)
      for (let c = 0; c < dK; c++) y[(h * T + t) * dK + c] = x[t * H * dK + h * dK + c]!;
  return y;
}

/** [H, T, d_k] -> [T, H * d_k] */
function mergeHeads(x: Float64Array, H: number, T: number, dK: number): Float64Array {
  const y = new Float64Array(x.length);
  for (let h = 0; h < H; h++)
    for (let t = 0; t < T; t++)
      for (let c = 0; c < dK; c++) y[t * H * dK + h * dK + c] = x[(h * T + t) * dK + c]!;
  return y;
}

function add(a: Float64Array, b: Float64Array): Float64Array {
  return a.map((value, i) => value + b[i]!);
}

function relu(x: Float64Array): Float64Array {
  return x.map((value) => Math.max(0, value));
}
