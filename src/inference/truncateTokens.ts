/** Fitting an encoded text into the model's context without losing the special tokens around it. */
import type { SourceToken } from '../shared/tokens';

/**
 * At most `limit` tokens. The post-processor's leading and trailing special tokens ([CLS] … [SEP])
 * are kept and the text tokens between them are cut, since the model was trained with the frame.
 * The trailing specials then sit at the end of the last kept text token. When the limit leaves no
 * room for any text token, the plain prefix is kept instead (callers that can say so refuse such
 * a limit: see specialTokenCount).
 */
export function truncateTokens(tokens: readonly SourceToken[], limit: number): { tokens: SourceToken[]; truncated: boolean } {
  if (tokens.length <= limit) return { tokens: [...tokens], truncated: false };
  let leading = 0;
  while (leading < tokens.length && tokens[leading].special) leading++;
  let trailing = 0;
  while (trailing < tokens.length - leading && tokens[tokens.length - 1 - trailing].special) trailing++;
  const room = limit - leading - trailing;
  if (room <= 0) return { tokens: tokens.slice(0, limit), truncated: true };
  const kept = tokens.slice(0, leading + room);
  // The trailing specials ([SEP], </s>) close the analysed text, not the whole input.
  const end = kept.length > 0 ? kept[kept.length - 1].end : 0;
  for (const special of tokens.slice(tokens.length - trailing)) kept.push({ ...special, start: end, end });
  return { tokens: kept, truncated: true };
}

/** How many special tokens frame `tokens` (leading plus trailing): the least a token limit must exceed. */
export function specialTokenCount(tokens: readonly SourceToken[]): number {
  let leading = 0;
  while (leading < tokens.length && tokens[leading].special) leading++;
  let trailing = 0;
  while (trailing < tokens.length - leading && tokens[tokens.length - 1 - trailing].special) trailing++;
  return leading + trailing;
}
