export { loadTokenizer } from './loadTokenizer';
export type { EncodeOptions, TextTokenizer } from './textTokenizer';
export { TokenizerError } from './tokenizerError';
