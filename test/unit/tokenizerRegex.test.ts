import * as assert from 'node:assert/strict';
import { Tokenizer as NativeTokenizer } from 'tokenizers';
import { compileOnigPattern, escapeRegExp } from '../../src/tokenizer/pattern';
import { REFERENCE_UNASSIGNED } from '../../src/tokenizer/referenceUnicode';
import { loadTokenizer, TokenizerError } from '../../src/tokenizer';
import { LLAMA3_SPLIT, QWEN2_SPLIT } from '../fixtures/tokenizers/tokenizerFixtures';

/** Every code point but the surrogates, each once. */
function codePoints(filter: (cp: number) => boolean = () => true): string[] {
  const all: string[] = [];
  for (let cp = 0; cp <= 0x10ffff; cp++) if ((cp < 0xd800 || cp > 0xdfff) && filter(cp)) all.push(String.fromCodePoint(cp));
  return all;
}
const ALL = codePoints();
/** Plane 0 whole, plane 1 every 3rd code point, the others every 64th (the code points where the
 *  engines' Unicode versions differ are all checked by the REFERENCE_UNASSIGNED test). */
const SAMPLED = codePoints((cp) => cp < 0x10000 || (cp < 0x20000 ? cp % 3 === 0 : cp % 64 === 0));

/** A native tokenizer whose only stage is a Split pre-tokenizer with the reference's own engine. */
function nativeSplitter(regex: string, behavior: string, invert: boolean) {
  const json = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null, post_processor: null, decoder: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: regex }, behavior, invert },
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  };
  const preTokenizer = NativeTokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
  assert.ok(preTokenizer);
  return (text: string): string[] => preTokenizer.preTokenizeString(text).map(([piece]) => piece);
}

/** Pieces of an Isolated split: the matches and the text between them (as the reference's Split). */
function isolatedPieces(text: string, pattern: RegExp): string[] {
  const pieces: string[] = [];
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) pieces.push(text.slice(last, match.index));
    if (match[0].length > 0) pieces.push(match[0]);
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces;
}

/** The code points (of `chars`) that `regex`, one code point long, matches: per the reference and per our translation. */
function matchedCodePoints(regex: string, chars: readonly string[]): { reference: Set<number>; ours: Set<number> } {
  const text = chars.join('');
  // Runs of matching code points come back as one piece each (few pieces: the native call is fast).
  const reference = new Set<number>();
  for (const piece of nativeSplitter(`(?:${regex})+`, 'Removed', true)(text)) for (const c of piece) reference.add(c.codePointAt(0) as number);
  const ours = new Set<number>();
  for (const match of text.matchAll(compileOnigPattern(`(?:${regex})+`, 'test'))) for (const c of match[0]) ours.add(c.codePointAt(0) as number);
  return { reference, ours };
}

function assertSameClass(regex: string, chars: readonly string[]): void {
  const { reference, ours } = matchedCodePoints(regex, chars);
  const hex = (set: Iterable<number>) => [...set].slice(0, 12).map((cp) => `U+${cp.toString(16).toUpperCase()}`).join(' ');
  const onlyReference = [...reference].filter((cp) => !ours.has(cp));
  const onlyOurs = [...ours].filter((cp) => !reference.has(cp));
  assert.ok(onlyReference.length === 0 && onlyOurs.length === 0, `${regex}: only the reference matches ${hex(onlyReference)}; only ours matches ${hex(onlyOurs)}`);
  assert.ok(reference.size > 0 || regex.includes('Cs'), `${regex} matched nothing: the comparison proves nothing`);
}

describe('Oniguruma split patterns translated to JavaScript equal the reference', function () {
  this.timeout(300_000); // a million code points through both engines, per class; slow on a busy machine

  for (const regex of ['\\s', '\\S', '\\d', '\\w', '\\h', '.', '\\p{L}', '\\p{N}', '[^\\s\\p{L}\\p{N}]', '[^\\r\\n\\p{L}\\p{N}]']) {
    it(`${regex} over every code point`, () => assertSameClass(regex, ALL));
  }

  const categories = ['LC', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po',
    'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Co', 'Cn', 'Letter', 'Decimal_Number', 'punctuation'];
  const scripts = ['Latin', 'Greek', 'Cyrillic', 'Han', 'Hiragana', 'Katakana', 'Hangul', 'Arabic', 'Hebrew', 'Devanagari', 'Thai', 'Common', 'Inherited', 'Unknown'];
  const posix = ['Alpha', 'Alnum', 'Digit', 'Upper', 'Space', 'Blank', 'Cntrl', 'XDigit', 'Word', 'Punct', 'Graph', 'Print', 'Any', 'ASCII', 'Assigned'];
  it('every General_Category, common scripts and the POSIX properties over plane 0 and a sample of the others', () => {
    const failures: string[] = [];
    for (const name of [...categories, ...scripts, ...posix]) {
      try {
        assertSameClass(`\\p{${name}}`, SAMPLED);
      } catch (error) {
        failures.push((error as Error).message.split('\n')[0]);
      }
    }
    assert.deepEqual(failures, []);
    for (const name of ['alpha', 'alnum', 'punct', 'space', 'word', 'digit', 'xdigit', 'upper', 'cntrl', 'blank', 'graph', 'print']) assertSameClass(`[[:${name}:]]`, SAMPLED);
  });

  it('the unassigned table is what the reference leaves unassigned and this runtime assigns', () => {
    const { reference } = matchedCodePoints('\\p{Cn}', ALL);
    const newer = [...reference].filter((cp) => !/\p{Cn}/u.test(String.fromCodePoint(cp)));
    const table = REFERENCE_UNASSIGNED.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));
    // On a runtime with older Unicode data some of these are unassigned here too.
    assert.ok(newer.every((cp) => table.includes(cp)), 'a code point is missing from REFERENCE_UNASSIGNED');
    assert.ok(table.every((cp) => reference.has(cp)), 'REFERENCE_UNASSIGNED holds a code point the reference assigns');
  });

  const patterns = {
    'Llama 3': LLAMA3_SPLIT,
    'Qwen 2/3': QWEN2_SPLIT,
    'GPT-2': "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
    'scoped flags and anchors': '(?i:ab|[x-z]k)|^\\s*#.*$|\\bfoo\\b|(?>a+)b|x{,2}',
  };
  for (const [name, regex] of Object.entries(patterns)) {
    it(`splits like the reference: the ${name} pattern in context, over ${name === 'Llama 3' ? 'every code point' : 'plane 0 and a sample of the others'}`, () => {
      const reference = nativeSplitter(regex, 'Isolated', false);
      const pattern = compileOnigPattern(regex, 'test');
      const ours = (text: string) => isolatedPieces(text, pattern);
      // Each code point after an apostrophe (the case-insensitive contractions), then between letters,
      // digits, spaces and line breaks; in chunks so a mismatch points at a small text.
      const contexts = [(c: string) => `'${c}`, (c: string) => `a${c}1 ${c}\r\n${c}${c}  '${c}${c}x`];
      const chars = name === 'Llama 3' ? ALL : SAMPLED;
      for (const context of contexts) {
        for (let i = 0; i < chars.length; i += 8192) {
          const text = chars.slice(i, i + 8192).map(context).join('');
          const expected = reference(text);
          const actual = ours(text);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            const at = actual.findIndex((piece, k) => piece !== expected[k]);
            const show = (pieces: string[]) => JSON.stringify(pieces.slice(at, at + 3).map((piece) => piece.slice(0, 40)));
            assert.fail(`${name}: first difference at piece ${at}: ours ${show(actual)}, reference ${show(expected)}`);
          }
        }
      }
    });
  }

  it('names the construct it cannot translate', () => {
    const cases: [string, RegExp][] = [
      ['(\\w)\\1', /backreference \\1/],
      ['a(?i)b', /inline flags \(\?i\) after the start of a group/],
      ['[a-z&&[^aeiou]]', /class intersection &&/],
      ['\\p{Klingon_Runes}', /Unicode property \\p\{Klingon_Runes\}/],
      ['(?x) a b', /extended-syntax flag/],
      ['\\G', /escape \\G/],
      ['(a+)+b', /repeated group that itself repeats without bound.*exponential time/],
      ['(?:\\s*x*)*y', /repeated group that itself repeats without bound/],
    ];
    for (const [regex, message] of cases) {
      assert.throws(() => compileOnigPattern(regex, 'pre_tokenizer.pattern.Regex'), (error: unknown) => error instanceof TokenizerError && message.test(error.message) && error.message.includes('pre_tokenizer.pattern.Regex'));
    }
  });

  it('accepts bounded nesting and atomic groups, and matches a hostile line quickly enough to finish', () => {
    for (const regex of ['(?:ab+)?c', '(?:a+){2}', '(?>a+)+b', '(?:\\s+(?!\\S))+', LLAMA3_SPLIT]) {
      if (regex === '(?:\\s+(?!\\S))+') {
        assert.throws(() => compileOnigPattern(regex, 'p'), /repeats without bound/);
        continue;
      }
      const pattern = compileOnigPattern(regex, 'p');
      pattern.lastIndex = 0;
      assert.doesNotThrow(() => pattern.test('a'.repeat(5000)));
    }
  });

  it('escapes literal patterns validly in u mode: "-" stays unescaped (a special token <|fim-middle|> loads)', () => {
    assert.equal(new RegExp(escapeRegExp('<|fim-middle|>'), 'u').test('a<|fim-middle|>b'), true);
    const json = JSON.stringify({
      version: '1.0', normalizer: null, pre_tokenizer: { type: 'Split', pattern: { String: '-' }, behavior: 'Isolated', invert: false }, post_processor: null, decoder: null,
      added_tokens: [{ id: 3, content: '<|fim-middle|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
      model: { type: 'WordLevel', vocab: { '[UNK]': 0, a: 1, '-': 2, '<|fim-middle|>': 3 }, unk_token: '[UNK]' },
    });
    const tokens = loadTokenizer(json).encode('a-a<|fim-middle|>');
    assert.deepEqual(tokens.map((t) => t.id), [1, 2, 1, 3]);
  });
});
