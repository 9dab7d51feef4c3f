/**
 * Facts the ONNX graph does not state, from config.json beside the model: the bundled model's
 * own keys (name, context, causal) or a Hugging Face config (max_position_embeddings, is_decoder).
 */
import { ModelLoadError } from './modelErrors';

export interface ModelConfig {
  readonly name?: string;
  /** Longest input in tokens, when the config states it. */
  readonly context?: number;
  /** Whether each token attends only to earlier ones; encoders (BERT and the like) are not. */
  readonly causal: boolean;
  /** Query heads (num_attention_heads, n_head). */
  readonly heads?: number;
  /** Key/value heads (num_key_value_heads; fewer than heads for GQA, 1 for MQA). */
  readonly kvHeads?: number;
  /** Size of one head (head_dim, else hidden_size / num_attention_heads). */
  readonly headDim?: number;
}

/** Decoder-only architectures Hugging Face names e.g. GPT2LMHeadModel, LlamaForCausalLM. */
const CAUSAL_ARCHITECTURE = /(ForCausalLM|LMHeadModel)$/;

export function parseModelConfig(text: string | undefined, file: string): ModelConfig {
  if (text === undefined) return { causal: false };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // The parser's message quotes the file's text, which may be anything: it is not repeated.
    throw new ModelLoadError('config', `${file} is not valid JSON. Fix it, or delete it to use defaults.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelLoadError('config', `${file} must hold a JSON object. Fix it, or delete it to use defaults.`);
  }
  const config = json as Record<string, unknown>;
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  const context = [config.context, config.max_position_embeddings, config.n_positions].find(isPositiveInteger);
  const heads = [config.num_attention_heads, config.n_head].find(isPositiveInteger);
  const kvHeads = [config.num_key_value_heads, config.multi_query === true ? 1 : undefined, heads].find(isPositiveInteger);
  const hidden = [config.hidden_size, config.n_embd, config.d_model].find(isPositiveInteger);
  const headDim = [config.head_dim, hidden !== undefined && heads !== undefined && hidden % heads === 0 ? hidden / heads : undefined].find(isPositiveInteger);
  return {
    ...(typeof config.name === 'string' && config.name !== '' ? { name: config.name } : {}),
    ...(context !== undefined ? { context } : {}),
    ...(heads !== undefined ? { heads } : {}),
    ...(kvHeads !== undefined ? { kvHeads } : {}),
    ...(headDim !== undefined ? { headDim } : {}),
    causal:
      config.causal === true ||
      config.is_decoder === true ||
      architectures.some((a) => typeof a === 'string' && CAUSAL_ARCHITECTURE.test(a)),
  };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
