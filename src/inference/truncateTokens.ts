/** Fitting an encoded text into the model's context without losing the special tokens around it. */
import type { SourceToken } from '../shared/tokens';

/**
 * At most `limit` tokens. The post-processor's leading and trailing special tokens ([CLS] … [SEP])
 * are kept and the text tokens between them are cut, since the model was trained with the frame.
 * When the limit leaves no room for any text token, the plain prefix is kept instead.
 */
export function truncateTokens(tokens: readonly SourceToken[], limit: number): { tokens: SourceToken[]; truncated: boolean } {
  if (tokens.length <= limit) return { tokens: [...tokens], truncated: false };
  let leading = 0;
  while (leading < tokens.length && tokens[leading].special) leading++;
  let trailing = 0;
  while (trailing < tokens.length - leading && tokens[tokens.length - 1 - trailing].special) trailing++;
  const room = limit - leading - trailing;
  if (room <= 0) return { tokens: tokens.slice(0, limit), truncated: true };
  return {
    tokens: [...tokens.slice(0, leading + room), ...tokens.slice(tokens.length - trailing)],
    truncated: true,
  };
}
