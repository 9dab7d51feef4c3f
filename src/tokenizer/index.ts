/**
 * The tokenizer of tokenizer.json files, written here rather than taken from a library: every
 * token must carry the exact UTF-16 range of the editor text it came from (the views, hovers and
 * shading are drawn on those ranges), through normalisers that compose or expand characters,
 * byte-level mappings and byte fallback. Libraries give ids, and offsets in bytes or code points
 * at best. Ids are checked against the Rust reference (the native `tokenizers` package) in the
 * test suite, on real files and on each component.
 */
export { loadTokenizer } from './loadTokenizer';
export type { EncodeOptions, TextTokenizer } from './textTokenizer';
export { TokenizerError } from './tokenizerError';
