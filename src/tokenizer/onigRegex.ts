/**
 * Translates the regular expressions of tokenizer.json (written for the reference's Oniguruma
 * engine, Ruby syntax) into JavaScript patterns that match the same text on Node 20 (`u` flag, no
 * inline modifiers, no `v` flag).
 *
 * Why a translation and not the pattern as written: most split patterns also compile in
 * JavaScript, but mean something else there:
 * - `(?i:...)` scoped flags do not exist before inline modifiers; inside such a group every literal
 *   becomes the class of its case-fold equivalents (`s` → `[sSſ]`), which is what Oniguruma matches.
 * - `\s \d \w \h \b` and `.` have Oniguruma's Unicode definitions: `\s` is White_Space (JavaScript
 *   adds U+FEFF and drops U+0085), `\d` is Nd (JavaScript: ASCII only), `\w` is Alphabetic, marks,
 *   Nd, Pc and six Latin-1 digits/fractions, `.` excludes only LF, `^`/`$` are line anchors.
 * - `\p{...}` follows the engine's Unicode version; code points assigned after it are unassigned
 *   there (see referenceUnicode.ts) and are classified that way here.
 * test/unit/tokenizerRegex.test.ts proves each class equal to the reference over every code point.
 *
 * Constructs with no faithful translation throw UntranslatablePattern naming the construct.
 * Known difference: under (?i) Oniguruma also folds multi-character sequences (ß ~ ss, ﬆ ~ st);
 * only single-character folds are translated. No real split pattern folds such sequences.
 */
import { REFERENCE_RECLASSIFIED, REFERENCE_UNASSIGNED } from './referenceUnicode';

/** A pattern construct that has no JavaScript equivalent here; `construct` names it for the user. */
export class UntranslatablePattern extends Error {
  constructor(readonly construct: string) {
    super(`the regular-expression construct ${construct} has no JavaScript equivalent`);
    this.name = 'UntranslatablePattern';
  }
}

/** One member of a character set. `unassigned`: whether a code point unassigned in the reference has the property. */
type SetItem =
  | { readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly kind: 'property'; readonly js: string; readonly unassigned: boolean; readonly negated: boolean }
  | { readonly kind: 'set'; readonly set: CharSet };

interface CharSet {
  readonly items: SetItem[];
  readonly negated: boolean;
}

const range = (from: number, to = from): SetItem => ({ kind: 'range', from, to });
const property = (js: string, negated = false, unassigned = false): SetItem => ({ kind: 'property', js, negated, unassigned });
const set = (items: SetItem[], negated = false): CharSet => ({ items, negated });

const WHITE_SPACE = (): CharSet => set([property('White_Space')]);
const DECIMAL = (): CharSet => set([property('Nd')]);
/** Oniguruma's Word: verified against the reference code point by code point. */
const WORD = (): CharSet => set([property('Alphabetic'), property('M'), property('Nd'), property('Pc'), range(0xb2, 0xb3), range(0xb9), range(0xbc, 0xbe)]);
const GRAPH = (): CharSet => set([property('White_Space'), property('Cc'), property('Cs'), property('Cn', false, true)], true);
const HEX = (): CharSet => set([range(0x30, 0x39), range(0x41, 0x46), range(0x61, 0x66)]);

/** Oniguruma's POSIX-style property names (loose spelling), as sets. */
const POSIX_PROPERTIES: Record<string, () => CharSet> = {
  alpha: () => set([property('Alphabetic')]),
  alnum: () => set([property('Alphabetic'), property('Nd')]),
  digit: DECIMAL,
  upper: () => set([property('Uppercase')]),
  space: WHITE_SPACE,
  blank: () => set([range(0x09), property('Zs')]),
  cntrl: () => set([property('Cc')]),
  xdigit: HEX,
  word: WORD,
  punct: () => set([property('P')]),
  graph: GRAPH,
  print: () => set([{ kind: 'set', set: GRAPH() }, property('Zs')]),
  any: () => set([property('Any', false, true)]),
  ascii: () => set([range(0, 0x7f)]),
  assigned: () => set([property('Assigned')]),
};

/** General_Category names, short and long (loose spelling) → JavaScript name. */
const GENERAL_CATEGORIES: Record<string, string> = (() => {
  const pairs = [
    ['L', 'Letter'], ['LC', 'Cased_Letter'], ['Lu', 'Uppercase_Letter'], ['Ll', 'Lowercase_Letter'], ['Lt', 'Titlecase_Letter'],
    ['Lm', 'Modifier_Letter'], ['Lo', 'Other_Letter'], ['M', 'Mark'], ['Mn', 'Nonspacing_Mark'], ['Mc', 'Spacing_Mark'],
    ['Me', 'Enclosing_Mark'], ['N', 'Number'], ['Nd', 'Decimal_Number'], ['Nl', 'Letter_Number'], ['No', 'Other_Number'],
    ['P', 'Punctuation'], ['Pc', 'Connector_Punctuation'], ['Pd', 'Dash_Punctuation'], ['Ps', 'Open_Punctuation'],
    ['Pe', 'Close_Punctuation'], ['Pi', 'Initial_Punctuation'], ['Pf', 'Final_Punctuation'], ['Po', 'Other_Punctuation'],
    ['S', 'Symbol'], ['Sm', 'Math_Symbol'], ['Sc', 'Currency_Symbol'], ['Sk', 'Modifier_Symbol'], ['So', 'Other_Symbol'],
    ['Z', 'Separator'], ['Zs', 'Space_Separator'], ['Zl', 'Line_Separator'], ['Zp', 'Paragraph_Separator'], ['C', 'Other'],
    ['Cc', 'Control'], ['Cf', 'Format'], ['Cs', 'Surrogate'], ['Co', 'Private_Use'], ['Cn', 'Unassigned'],
  ];
  const table: Record<string, string> = {};
  for (const [short, long] of pairs) table[loose(short)] = table[loose(long)] = short;
  table.combiningmark = 'M';
  return table;
})();

/** General categories an unassigned code point belongs to. */
const UNASSIGNED_CATEGORIES = new Set(['C', 'Cn']);
/** Properties whose set depends on case: under (?i) their meaning is engine-specific. */
const CASED_CATEGORIES = new Set(['LC', 'Lu', 'Ll', 'Lt']);

function loose(name: string): string {
  return name.toLowerCase().replace(/[\s_-]/g, '');
}

/** `\p{name}` (or `\P{...}`, `\p{^...}`) as a set; throws for names without a verified translation. */
function propertySet(name: string, negated: boolean, ignoreCase: boolean): CharSet {
  const key = loose(name);
  const shown = `\\${negated ? 'P' : 'p'}{${name}}`;
  const category = GENERAL_CATEGORIES[key];
  if (category) {
    if (ignoreCase && CASED_CATEGORIES.has(category)) throw new UntranslatablePattern(`${shown} inside a case-insensitive group`);
    return set([property(category, false, UNASSIGNED_CATEGORIES.has(category))], negated);
  }
  const posix = POSIX_PROPERTIES[key];
  if (posix) {
    if (ignoreCase && key === 'upper') throw new UntranslatablePattern(`${shown} inside a case-insensitive group`);
    return set([{ kind: 'set', set: posix() }], negated);
  }
  // Scripts: JavaScript wants Script=Name with the canonical capitalisation (Han, Old_Italic, Latn).
  const titled = name.split(/[\s_-]+/).map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase()).join('_');
  for (const candidate of [name, titled]) {
    if (compiles(`\\p{Script=${candidate}}`)) {
      const unknown = candidate === 'Unknown' || candidate === 'Zzzz';
      return set([property(`Script=${candidate}`, false, unknown)], negated);
    }
  }
  throw new UntranslatablePattern(`the Unicode property ${shown}`);
}

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'u');
    return true;
  } catch {
    return false;
  }
}

// ---- case folding -------------------------------------------------------------------------------

let foldOrbits: Map<number, number[]> | undefined;

/**
 * Code points that match `codePoint` case-insensitively: its simple case-fold equivalents (what
 * Oniguruma and JavaScript's `iu` both use for single characters), e.g. s → s S ſ, k → k K K.
 */
function caseFoldOrbit(codePoint: number): number[] {
  if (!foldOrbits) {
    // Candidates are linked through toLowerCase/toUpperCase; JavaScript's own `iu` matching then
    // decides which of them fold together. Every cased character is below U+20000.
    const parent = new Map<number, number>();
    const find = (x: number): number => {
      let root = x;
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as number;
      return root;
    };
    const link = (a: number, b: number): void => {
      if (!parent.has(a)) parent.set(a, a);
      if (!parent.has(b)) parent.set(b, b);
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
    };
    for (let cp = 0; cp < 0x20000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const text = String.fromCodePoint(cp);
      for (const mapped of [text.toLowerCase(), text.toUpperCase()]) {
        const other = mapped.codePointAt(0) ?? cp;
        if (other !== cp && mapped.length === String.fromCodePoint(other).length) link(cp, other);
      }
    }
    foldOrbits = new Map();
    for (const cp of parent.keys()) {
      const root = find(cp);
      const orbit = foldOrbits.get(root) ?? [];
      orbit.push(cp);
      foldOrbits.set(root, orbit);
    }
    for (const [root, orbit] of [...foldOrbits]) for (const cp of orbit) foldOrbits.set(cp, foldOrbits.get(root) as number[]);
  }
  const candidates = foldOrbits.get(codePoint);
  if (!candidates) return [codePoint];
  const matcher = new RegExp(`^${escapeCodePoint(codePoint)}$`, 'iu');
  const orbit = candidates.filter((cp) => cp === codePoint || matcher.test(String.fromCodePoint(cp)));
  return orbit.length > 0 ? orbit : [codePoint];
}

// ---- emitting JavaScript ------------------------------------------------------------------------

function escapeCodePoint(codePoint: number): string {
  return /[A-Za-z0-9]/.test(String.fromCodePoint(codePoint)) && codePoint < 0x80 ? String.fromCodePoint(codePoint) : `\\u{${codePoint.toString(16)}}`;
}

function hasProperty(charSet: CharSet): boolean {
  return charSet.items.some((item) => item.kind === 'property' || (item.kind === 'set' && hasProperty(item.set)));
}

/** Whether the reference puts an unassigned code point `codePoint` in the set. */
function containsUnassigned(charSet: CharSet, codePoint: number): boolean {
  const found = charSet.items.some((item) => {
    if (item.kind === 'range') return codePoint >= item.from && codePoint <= item.to;
    if (item.kind === 'property') return item.unassigned !== item.negated;
    return containsUnassigned(item.set, codePoint);
  });
  return found !== charSet.negated;
}

/** The set as a JavaScript pattern matching exactly one code point, ignoring the Unicode-version correction. */
function emitBase(charSet: CharSet): string {
  let body = '';
  const nested: string[] = [];
  for (const item of charSet.items) {
    if (item.kind === 'range') body += item.from === item.to ? escapeCodePoint(item.from) : `${escapeCodePoint(item.from)}-${escapeCodePoint(item.to)}`;
    else if (item.kind === 'property') body += `\\${item.negated ? 'P' : 'p'}{${item.js}}`;
    else if (!item.set.negated && item.set.items.every((inner) => inner.kind !== 'set')) body += emitBase(item.set).slice(1, -1);
    else nested.push(emitBase(item.set));
  }
  if (nested.length === 0) return `[${charSet.negated ? '^' : ''}${body}]`;
  const union = `(?:${[...(body ? [`[${body}]`] : []), ...nested].join('|')})`;
  return charSet.negated ? `(?!${union})[^]` : union;
}

/** Every code point the reference classifies differently from this runtime. */
const UNASSIGNED_CLASS = `[${[...REFERENCE_UNASSIGNED.map(([from, to]) => `${escapeCodePoint(from)}-${escapeCodePoint(to)}`), ...REFERENCE_RECLASSIFIED.map(([cp]) => escapeCodePoint(cp))].join('')}]`;

/** Whether the reference puts `codePoint`, whose General_Category there is `category`, in the set. */
function containsReclassified(charSet: CharSet, codePoint: number, category: string): boolean {
  const found = charSet.items.some((item) => {
    if (item.kind === 'range') return codePoint >= item.from && codePoint <= item.to;
    if (item.kind === 'set') return containsReclassified(item.set, codePoint, category);
    const isCategory = Object.values(GENERAL_CATEGORIES).includes(item.js);
    const has = !isCategory
      ? new RegExp(`\\p{${item.js}}`, 'u').test(String.fromCodePoint(codePoint))
      : item.js === category || (item.js.length === 1 && category.startsWith(item.js)) || (item.js === 'LC' && /^L[ult]$/.test(category));
    return has !== item.negated;
  });
  return found !== charSet.negated;
}

/** The set as JavaScript, with code points the reference classifies differently (unassigned
 *  there, or another General_Category) matched as the reference matches them. */
function emitSet(charSet: CharSet): string {
  const base = emitBase(charSet);
  if (!hasProperty(charSet)) return base;
  const included: SetItem[] = [];
  for (const [from, to] of REFERENCE_UNASSIGNED) {
    for (let cp = from; cp <= to; cp++) {
      if (!containsUnassigned(charSet, cp)) continue;
      const last = included[included.length - 1];
      if (last?.kind === 'range' && last.to === cp - 1) included[included.length - 1] = range(last.from, cp);
      else included.push(range(cp));
    }
  }
  for (const [cp, category] of REFERENCE_RECLASSIFIED) if (containsReclassified(charSet, cp, category)) included.push(range(cp));
  const guarded = `(?!${UNASSIGNED_CLASS})${base}`;
  // Always one group, so that a quantifier repeats the guard with the class.
  return included.length === 0 ? `(?:${guarded})` : `(?:${guarded}|${emitBase(set(included))})`;
}

// ---- parsing ------------------------------------------------------------------------------------

interface GroupState {
  readonly ignoreCase: boolean;
  readonly dotAll: boolean;
  /** Output position where the group's text starts (for quantifiers applied to it). */
  readonly outputStart: number;
  /** JavaScript to close the group with. */
  readonly close: string;
  /** Whether the enclosing group had an unbounded quantifier before this group opened. */
  readonly outerUnbounded: boolean;
}

/**
 * Translates an Oniguruma (Ruby syntax) pattern into JavaScript source for `new RegExp(source, 'gu')`.
 * Throws UntranslatablePattern naming the first construct that cannot be translated.
 */
export function translateOnigPattern(source: string): string {
  const chars = [...source].map((c) => c.codePointAt(0) as number);
  let pos = 0;
  let out = '';
  let atomStart = -1; // output index of the last quantifiable atom, -1 if none
  let atomicGroups = 0;
  const groups: GroupState[] = [];
  let ignoreCase = false;
  let dotAll = false;
  let atGroupStart = true;
  // Catastrophic backtracking guard: an unbounded quantifier on a group that itself holds one
  // ((a+)+, (\s*x*)*) can take exponential time in a backtracking engine, so it is refused.
  let unboundedInGroup = false;
  let lastGroupUnbounded = false; // the atom just closed was a group holding an unbounded quantifier

  const peek = (offset = 0): string => (pos + offset < chars.length ? String.fromCodePoint(chars[pos + offset]) : '');
  const rest = (): string => chars.slice(pos).map((cp) => String.fromCodePoint(cp)).join('');
  const emitAtom = (js: string): void => {
    lastGroupUnbounded = false;
    atomStart = out.length;
    out += js;
    atGroupStart = false;
  };
  const literal = (codePoint: number): string => {
    if (!ignoreCase) return escapeCodePoint(codePoint);
    const orbit = caseFoldOrbit(codePoint);
    return orbit.length === 1 ? escapeCodePoint(codePoint) : emitBase(set(orbit.map((cp) => range(cp))));
  };

  while (pos < chars.length) {
    const c = peek();
    if (c === '\\') {
      const escape = parseEscape(chars, pos + 1, ignoreCase, false);
      pos = escape.end;
      if (escape.kind === 'set') emitAtom(emitSet(escape.set));
      else if (escape.kind === 'char') emitAtom(literal(escape.codePoint));
      else if (escape.kind === 'js') emitAtom(escape.js);
      else {
        out += escape.js; // anchors are not quantifiable
        atomStart = -1;
        atGroupStart = false;
      }
      continue;
    }
    if (c === '[') {
      const parsed = parseClass(chars, pos + 1, ignoreCase);
      pos = parsed.end;
      emitAtom(emitSet(parsed.set));
      continue;
    }
    if (c === '(') {
      const tail = rest();
      let open = '(?:';
      let close = ')';
      let groupIgnoreCase = ignoreCase;
      let groupDotAll = dotAll;
      let length = 1;
      const flags = /^\(\?([imx]*)(?:-([imx]*))?(:|\))/.exec(tail);
      if (tail.startsWith('(?#')) {
        const end = tail.indexOf(')');
        if (end < 0) throw new UntranslatablePattern('an unterminated comment (?#');
        pos += [...tail.slice(0, end + 1)].length;
        continue;
      } else if (flags && (flags[1] || flags[2] !== undefined)) {
        const on = flags[1];
        const off = flags[2] ?? '';
        if (on.includes('x') || off.includes('x')) throw new UntranslatablePattern('the extended-syntax flag (?x)');
        const apply = (ic: boolean, da: boolean): [boolean, boolean] => [
          on.includes('i') ? true : off.includes('i') ? false : ic,
          on.includes('m') ? true : off.includes('m') ? false : da,
        ];
        if (flags[3] === ')') {
          // Flags for the rest of the enclosing group: only unambiguous at its start.
          if (!atGroupStart) throw new UntranslatablePattern(`the inline flags ${flags[0]} after the start of a group`);
          [ignoreCase, dotAll] = apply(ignoreCase, dotAll);
          pos += flags[0].length;
          continue;
        }
        [groupIgnoreCase, groupDotAll] = apply(ignoreCase, dotAll);
        length = flags[0].length;
      } else if (/^\(\?(?:=|!|<=|<!)/.test(tail)) {
        const prefix = /^\(\?(?:=|!|<=|<!)/.exec(tail)?.[0] ?? '';
        open = prefix;
        length = prefix.length;
      } else if (tail.startsWith('(?:')) {
        length = 3;
      } else if (tail.startsWith('(?>')) {
        // Atomic group: a lookahead cannot backtrack into its match, so (?=(X))\n is X atomically.
        atomicGroups++;
        open = '(?=(';
        close = `))\\${atomicGroups}`;
        length = 3;
      } else if (/^\(\?<[A-Za-z_]\w*>/.test(tail) || /^\(\?'[A-Za-z_]\w*'/.test(tail)) {
        length = (/^\(\?(?:<[A-Za-z_]\w*>|'[A-Za-z_]\w*')/.exec(tail)?.[0] ?? '').length;
      } else if (tail.startsWith('(?')) {
        throw new UntranslatablePattern(`the group ${tail.slice(0, 4)}…`);
      }
      groups.push({ ignoreCase, dotAll, outputStart: out.length, close, outerUnbounded: unboundedInGroup });
      unboundedInGroup = false;
      out += open;
      pos += length;
      ignoreCase = groupIgnoreCase;
      dotAll = groupDotAll;
      atomStart = -1;
      atGroupStart = true;
      continue;
    }
    if (c === ')') {
      const group = groups.pop();
      if (!group) throw new UntranslatablePattern('an unmatched ")"');
      out += group.close;
      // An atomic group never backtracks into itself, so its repetition is safe.
      lastGroupUnbounded = unboundedInGroup && !group.close.startsWith('))');
      unboundedInGroup = group.outerUnbounded || unboundedInGroup;
      ignoreCase = group.ignoreCase;
      dotAll = group.dotAll;
      atomStart = group.outputStart;
      atGroupStart = false;
      pos++;
      continue;
    }
    if (c === '|') {
      out += '|';
      atomStart = -1;
      pos++;
      continue;
    }
    const quantifier = /^(?:[*+?]|\{(\d*)(?:(,)(\d*))?\})/.exec(rest());
    if (quantifier && !(quantifier[0].startsWith('{') && quantifier[1] === '' && quantifier[3] === '' )) {
      if (atomStart < 0) throw new UntranslatablePattern(`a quantifier "${quantifier[0]}" with nothing to repeat`);
      const unbounded = quantifier[0] === '*' || quantifier[0] === '+' || (quantifier[2] === ',' && quantifier[3] === '');
      if (unbounded && lastGroupUnbounded) {
        throw new UntranslatablePattern(`a repeated group that itself repeats without bound ("${quantifier[0]}" after a group holding * or +), which can take exponential time`);
      }
      if (unbounded) unboundedInGroup = true;
      lastGroupUnbounded = false;
      let js = quantifier[0];
      if (js.startsWith('{')) js = `{${quantifier[1] || '0'}${quantifier[2] ?? ''}${quantifier[3] ?? ''}}`;
      pos += quantifier[0].length;
      const modifier = peek();
      if (modifier === '?') {
        js += '?';
        pos++;
      } else if (modifier === '+' && !quantifier[0].startsWith('{')) {
        // Possessive: the repeated atom, matched atomically.
        pos++;
        atomicGroups++;
        const atom = out.slice(atomStart);
        out = `${out.slice(0, atomStart)}(?=(${atom}${js}))\\${atomicGroups}`;
        atomStart = -1;
        continue;
      }
      out += js;
      atomStart = -1;
      continue;
    }
    pos++;
    if (c === '.') emitAtom(dotAll ? '[^]' : emitSet(set([range(0x0a)], true)));
    else if (c === '^') {
      out += '(?<![^\\n])';
      atomStart = -1;
      atGroupStart = false;
    } else if (c === '$') {
      out += '(?![^\\n])';
      atomStart = -1;
      atGroupStart = false;
    } else emitAtom(literal(c.codePointAt(0) as number));
  }
  if (groups.length > 0) throw new UntranslatablePattern('an unclosed "("');
  return out;
}

type Escape =
  | { readonly kind: 'char'; readonly codePoint: number; readonly end: number }
  | { readonly kind: 'set'; readonly set: CharSet; readonly end: number }
  | { readonly kind: 'js'; readonly js: string; readonly end: number }
  | { readonly kind: 'anchor'; readonly js: string; readonly end: number };

const SIMPLE_ESCAPES: Record<string, number> = { t: 0x09, n: 0x0a, r: 0x0d, f: 0x0c, v: 0x0b, a: 0x07, e: 0x1b };

/** Parses the escape whose letter is at `pos` (just after the backslash). */
function parseEscape(chars: readonly number[], pos: number, ignoreCase: boolean, inClass: boolean): Escape {
  if (pos >= chars.length) throw new UntranslatablePattern('a trailing backslash');
  const c = String.fromCodePoint(chars[pos]);
  const text = (from: number, to: number): string => chars.slice(from, to).map((cp) => String.fromCodePoint(cp)).join('');
  const tail = text(pos, pos + 12);
  if (c in SIMPLE_ESCAPES) return { kind: 'char', codePoint: SIMPLE_ESCAPES[c], end: pos + 1 };
  const shorthand: Record<string, () => CharSet> = { s: WHITE_SPACE, d: DECIMAL, w: WORD, h: HEX };
  if (c.toLowerCase() in shorthand) {
    const inner = shorthand[c.toLowerCase()]();
    return { kind: 'set', set: c === c.toLowerCase() ? inner : set([{ kind: 'set', set: inner }], true), end: pos + 1 };
  }
  if (c === 'p' || c === 'P') {
    const match = /^[pP]\{(\^?)([^}]*)\}/.exec(tail + text(pos + 12, pos + 80));
    if (!match) throw new UntranslatablePattern(`a malformed \\${c}{...}`);
    const negated = (c === 'P') !== (match[1] === '^');
    return { kind: 'set', set: propertySet(match[2], negated, ignoreCase), end: pos + [...match[0]].length };
  }
  let match = /^x\{([0-9A-Fa-f]{1,8})\}/.exec(tail) ?? /^x([0-9A-Fa-f]{1,2})/.exec(tail) ?? /^u([0-9A-Fa-f]{4})/.exec(tail);
  if (match) return { kind: 'char', codePoint: parseInt(match[1], 16), end: pos + match[0].length };
  match = /^0([0-7]{0,2})/.exec(tail);
  if (match) return { kind: 'char', codePoint: parseInt(match[1] || '0', 8), end: pos + match[0].length };
  if (!inClass) {
    const word = `(?:${emitSet(WORD())})`;
    switch (c) {
      case 'A':
        return { kind: 'anchor', js: '^', end: pos + 1 };
      case 'z':
        return { kind: 'anchor', js: '$', end: pos + 1 };
      case 'Z':
        return { kind: 'anchor', js: '(?=\\n?$)', end: pos + 1 };
      case 'b':
        return { kind: 'anchor', js: `(?:(?<=${word})(?!${word})|(?<!${word})(?=${word}))`, end: pos + 1 };
      case 'B':
        return { kind: 'anchor', js: `(?:(?<=${word})(?=${word})|(?<!${word})(?!${word}))`, end: pos + 1 };
      case 'R':
        return { kind: 'js', js: '(?:\\r\\n|[\\n\\v\\f\\r\\u{85}\\u{2028}\\u{2029}])', end: pos + 1 };
    }
    if (/[1-9k]/.test(c)) throw new UntranslatablePattern(`the backreference \\${c}`);
  }
  if (/[A-Za-z0-9]/.test(c)) throw new UntranslatablePattern(`the escape \\${c}`);
  return { kind: 'char', codePoint: chars[pos], end: pos + 1 };
}

/** Parses a bracket class whose first member is at `pos` (just after "["). */
function parseClass(chars: readonly number[], start: number, ignoreCase: boolean): { set: CharSet; end: number } {
  let pos = start;
  const items: SetItem[] = [];
  let negated = false;
  if (chars[pos] === 0x5e /* ^ */) {
    negated = true;
    pos++;
  }
  const addChar = (cp: number): void => {
    if (ignoreCase) for (const folded of caseFoldOrbit(cp)) items.push(range(folded));
    else items.push(range(cp));
  };
  let first = true;
  for (;;) {
    if (pos >= chars.length) throw new UntranslatablePattern('an unclosed "["');
    const c = String.fromCodePoint(chars[pos]);
    if (c === ']' && !first) return { set: set(items, negated), end: pos + 1 };
    first = false;
    if (c === '[') {
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(chars.slice(pos, pos + 12).map((cp) => String.fromCodePoint(cp)).join(''));
      if (!posix) throw new UntranslatablePattern('a nested character class [...[...]...]');
      // In brackets, Oniguruma's punct also takes the symbols, and word lacks \w's Latin-1 digits and fractions.
      const name = posix[2];
      const posixSet =
        name === 'punct'
          ? set([property('P'), property('S')])
          : name === 'word'
            ? set([property('Alphabetic'), property('M'), property('Nd'), property('Pc')])
            : name in POSIX_PROPERTIES
              ? POSIX_PROPERTIES[name]()
              : undefined;
      if (!posixSet) throw new UntranslatablePattern(`the POSIX bracket [:${name}:]`);
      items.push({ kind: 'set', set: set([{ kind: 'set', set: posixSet }], posix[1] === '^') });
      pos += posix[0].length;
      continue;
    }
    if (c === '&' && chars[pos + 1] === 0x26) throw new UntranslatablePattern('a class intersection &&');
    let from: number;
    if (c === '\\') {
      const escape = parseEscape(chars, pos + 1, ignoreCase, true);
      pos = escape.end;
      if (escape.kind === 'set') {
        items.push({ kind: 'set', set: escape.set });
        continue;
      }
      if (escape.kind !== 'char') throw new UntranslatablePattern('an anchor inside a character class');
      from = escape.codePoint;
    } else {
      from = chars[pos];
      pos++;
    }
    // A range a-b (a "-" before "]" is literal).
    if (chars[pos] === 0x2d && pos + 1 < chars.length && chars[pos + 1] !== 0x5d) {
      let to: number;
      if (chars[pos + 1] === 0x5c) {
        const escape = parseEscape(chars, pos + 2, ignoreCase, true);
        if (escape.kind !== 'char') throw new UntranslatablePattern('a range ending in a class escape');
        to = escape.codePoint;
        pos = escape.end;
      } else {
        to = chars[pos + 1];
        pos += 2;
      }
      if (to < from) throw new UntranslatablePattern('a character range in reverse order');
      if (ignoreCase) {
        items.push(range(from, to));
        for (let cp = from; cp <= to && cp < 0x20000; cp++) {
          for (const folded of caseFoldOrbit(cp)) if (folded < from || folded > to) items.push(range(folded));
        }
      } else items.push(range(from, to));
      continue;
    }
    addChar(from);
  }
}
