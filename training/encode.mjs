// Encode the corpus splits with the trained tokenizer into uint16 token files for training.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const work = join(dirname(fileURLToPath(import.meta.url)), 'work');
const tokenizer = Tokenizer.fromFile(join(work, 'tokenizer.json'));
const stats = {};
for (const split of ['train', 'val']) {
  const text = readFileSync(join(work, 'corpus', `${split}.txt`), 'utf8');
  const ids = (await tokenizer.encode(text)).getIds();
  writeFileSync(join(work, `${split}.bin`), Buffer.from(Uint16Array.from(ids).buffer));
  stats[split] = { tokens: ids.length, bytes: Buffer.byteLength(text, 'utf8') };
}
writeFileSync(join(work, 'tokens.json'), JSON.stringify(stats, null, 1));
console.log('encoded', JSON.stringify(stats));
