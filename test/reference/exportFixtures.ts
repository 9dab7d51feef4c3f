/**
 * The export-route fixtures (test/fixtures/models: make_fixtures.py, make_torch_fixtures.py) and
 * what each is known to be: shared by the suites that run every route.
 */
import * as path from 'node:path';
import type { ModelLocation } from '../../src/inference/workerProtocol';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'models');

/** Where the fixture `file` is, with the fixtures' shared tokenizer, on one thread. */
export function fixture(file: string): ModelLocation {
  return { folder: FIXTURES, threads: 1, modelFile: path.join(FIXTURES, file), tokenizerFile: path.join(FIXTURES, 'tokenizer.json') };
}

export interface Expected {
  readonly file: string;
  readonly layers: number;
  readonly heads: number;
  readonly causal: boolean;
  readonly found: RegExp | undefined;
}

export const ROUTES: readonly Expected[] = [
  { file: 'textbook-attention.onnx', layers: 1, heads: 1, causal: false, found: /^one attention head$/ },
  { file: 'torch-encoder-lm.onnx', layers: 2, heads: 4, causal: false, found: /attention \[batch·heads, T, T\]/ },
  { file: 'mean-of-heads.onnx', layers: 1, heads: 1, causal: false, found: /mean of heads/ },
  { file: 'gpt2-kv.onnx', layers: 2, heads: 4, causal: true, found: /^decoder with KV cache \(fed empty\)$/ },
  { file: 'gpt2-kv-merged.onnx', layers: 2, heads: 4, causal: true, found: /^decoder with KV cache \(fed empty\), merged decoder \(no-cache branch copied out, computed twice\)$/ },
  { file: 'llama-gqa.onnx', layers: 2, heads: 4, causal: true, found: /decoder with KV cache \(fed empty\), 4 query heads sharing 2 key\/value heads \(GQA\)/ },
  { file: 'multihead-attention.onnx', layers: 1, heads: 2, causal: false, found: /^fused MultiHeadAttention rewritten$/ },
  { file: 'onnx-attention.onnx', layers: 1, heads: 2, causal: false, found: /^fused Attention rewritten$/ },
  { file: 'group-query-attention.onnx', layers: 1, heads: 4, causal: true, found: /KV cache \(fed empty\), 4 query heads sharing 2 key\/value heads \(GQA\), fused GroupQueryAttention rewritten/ },
  { file: 'group-query-attention-packed.onnx', layers: 1, heads: 4, causal: true, found: /4 query heads sharing one key\/value head \(MQA\), fused GroupQueryAttention rewritten/ },
  { file: 'packed-attention.onnx', layers: 1, heads: 2, causal: false, found: /^fused Attention rewritten$/ },
  { file: 'fused-attention.onnx', layers: 1, heads: 2, causal: false, found: /^fused Attention rewritten$/ },
  { file: 'float16.onnx', layers: 2, heads: 2, causal: false, found: /float16 \(attention shown in float32\)/ },
  { file: 'bfloat16.onnx', layers: 2, heads: 2, causal: false, found: /^bfloat16 weights computed in float32 \(onnxruntime has no bfloat16 MatMul on CPU or WebAssembly\)$/ },
  { file: 'qdq.onnx', layers: 2, heads: 2, causal: false, found: /^quantized operators \(QuantizeLinear, DequantizeLinear\)$/ },
  { file: 'bert-inputs.onnx', layers: 1, heads: 2, causal: false, found: undefined },
  { file: 'int8-dynamic.onnx', layers: 2, heads: 2, causal: false, found: /^quantized operators \(DynamicQuantizeLinear, MatMulInteger\)$/ },
  { file: 'matmul-nbits.onnx', layers: 2, heads: 2, causal: false, found: /^quantized operators \(MatMulNBits\)$/ },
  { file: 'external-data.onnx', layers: 1, heads: 2, causal: false, found: /weights in external-data\.onnx_data/ },
  { file: 'flat-attention.onnx', layers: 1, heads: 2, causal: false, found: /attention \[batch·heads, T, T\]/ },
];
