// Tokenize training/heldout-sample.txt (the text `npm run model:report` scores) for the training
// scorer (scores.py), with the same native tokenizer and options as test/reference/nodeRuntime.ts,
// so the Python and TypeScript scores see the same windows. Writes work/heldout.json:
// { ids: number[], texts: string[] (byte-level token strings), bytes: UTF-8 length of the sample }.
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, 'work');
const trained = join(work, 'tokenizer.json');
const tokenizerFile = existsSync(trained) ? trained : join(here, '..', 'media', 'model', 'tokenizer.json');
const text = readFileSync(join(here, 'heldout-sample.txt'), 'utf8');
const encoding = await Tokenizer.fromFile(tokenizerFile).encode(text, null, { addSpecialTokens: false });
const out = { ids: encoding.getIds(), texts: encoding.getTokens(), bytes: Buffer.byteLength(text, 'utf8') };
writeFileSync(join(work, 'heldout.json'), JSON.stringify(out));
console.log(`held-out sample: ${out.ids.length} tokens, ${out.bytes} bytes -> ${join(work, 'heldout.json')}`);
