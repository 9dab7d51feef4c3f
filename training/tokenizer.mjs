// Train the bundled byte-level BPE tokenizer on the training split and save it as a
// Hugging Face tokenizer.json. The native binding trains with default options (a large vocab,
// no byte alphabet, no decoder), so the result is cut to VOCAB_SIZE here: the 256-byte alphabet
// plus the first merges in the order they were learned, which is itself a valid BPE.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Tokenizer, BPE, byteLevelPreTokenizer, byteLevelAlphabet } = require('tokenizers');

const VOCAB_SIZE = Number(process.env.VOCAB_SIZE ?? 4096);
const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, 'work');
const trainFile = join(work, 'corpus', 'train.txt');
const outFile = join(work, 'tokenizer.json');

const tokenizer = new Tokenizer(BPE.empty());
// addPrefixSpace=false: code does not start with a space; the GPT-2 split regex is kept.
tokenizer.setPreTokenizer(byteLevelPreTokenizer(false, true));
tokenizer.train([trainFile]);
const trained = JSON.parse(saveAndRead(tokenizer));

function saveAndRead(t) {
  const tmp = join(work, 'tokenizer.full.json');
  t.save(tmp, false);
  return readFileSync(tmp, 'utf8');
}

const alphabet = byteLevelAlphabet().slice().sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
const vocab = {};
for (const ch of alphabet) vocab[ch] = Object.keys(vocab).length;
const merges = [];
for (const merge of trained.model.merges) {
  if (Object.keys(vocab).length >= VOCAB_SIZE) break;
  const [a, b] = Array.isArray(merge) ? merge : merge.split(' ');
  if (!(a in vocab) || !(b in vocab)) continue;
  const token = a + b;
  if (token in vocab) continue;
  vocab[token] = Object.keys(vocab).length;
  merges.push([a, b]);
}

const json = {
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null,
    end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false,
    vocab, merges,
  },
};
mkdirSync(work, { recursive: true });
writeFileSync(outFile, JSON.stringify(json));
console.log(`tokenizer: ${Object.keys(vocab).length} tokens, ${merges.length} merges -> ${outFile}`);
