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
}

/** Decoder-only architectures Hugging Face names e.g. GPT2LMHeadModel, LlamaForCausalLM. */
const CAUSAL_ARCHITECTURE = /(ForCausalLM|LMHeadModel)$/;

export function parseModelConfig(text: string | undefined, file: string): ModelConfig {
  if (text === undefined) return { causal: false };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ModelLoadError('config', `${file} is not valid JSON (${(err as Error).message}). Fix it, or delete it to use defaults.`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelLoadError('config', `${file} must hold a JSON object. Fix it, or delete it to use defaults.`);
  }
  const config = json as Record<string, unknown>;
  const architectures = Array.isArray(config.architectures) ? config.architectures : [];
  const context = [config.context, config.max_position_embeddings, config.n_positions].find(isPositiveInteger);
  return {
    ...(typeof config.name === 'string' && config.name !== '' ? { name: config.name } : {}),
    ...(context !== undefined ? { context } : {}),
    causal:
      config.causal === true ||
      config.is_decoder === true ||
      architectures.some((a) => typeof a === 'string' && CAUSAL_ARCHITECTURE.test(a)),
  };
}

function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}
