import { codePointWidth } from '../shared/utf16';
/**
 * Text derived from the source string (normalised, byte-mapped, split) that remembers, for each of
 * its UTF-16 code units, the source range [starts[i], ends[i]) it came from. Every transformation
 * keeps these ranges in source order, so a token's source range is [starts[first], ends[last]).
 * Units inserted out of nothing (a prefix space, a Metaspace marker) get an empty range where
 * they were inserted.
 */
export class AlignedText {
  private constructor(
    readonly text: string,
    readonly starts: readonly number[],
    readonly ends: readonly number[],
    /** Where an empty text sits in the source, so text inserted into it lands in order. */
    private readonly emptyAt = 0,
  ) {}

  /** `text` taken verbatim from the source at `sourceStart`. */
  static fromSource(text: string, sourceStart = 0): AlignedText {
    if (text.length === 0) return new AlignedText('', [], [], sourceStart);
    const starts = new Array<number>(text.length);
    const ends = new Array<number>(text.length);
    for (let i = 0; i < text.length; i++) {
      starts[i] = sourceStart + i;
      ends[i] = sourceStart + i + 1;
    }
    return new AlignedText(text, starts, ends);
  }

  /** Text with explicit per-unit source ranges (`starts`/`ends` as long as `text`, in source order). */
  static fromParts(text: string, starts: number[], ends: number[], emptyAt: number): AlignedText {
    return new AlignedText(text, starts, ends, emptyAt);
  }

  /** Text with no source of its own, placed at source position `at`. */
  static inserted(text: string, at: number): AlignedText {
    return new AlignedText(text, new Array<number>(text.length).fill(at), new Array<number>(text.length).fill(at), at);
  }

  static concat(parts: readonly AlignedText[]): AlignedText {
    if (parts.length === 1) return parts[0];
    return new AlignedText(
      parts.map((part) => part.text).join(''),
      parts.flatMap((part) => part.starts),
      parts.flatMap((part) => part.ends),
      parts[0]?.sourceStart,
    );
  }

  get length(): number {
    return this.text.length;
  }

  /** Source position of the start of this text (or of the insertion point, for inserted text). */
  get sourceStart(): number {
    return this.starts.length > 0 ? this.starts[0] : this.emptyAt;
  }

  /** Source position just past this text. */
  get sourceEnd(): number {
    return this.ends.length > 0 ? this.ends[this.ends.length - 1] : this.emptyAt;
  }

  slice(from: number, to: number): AlignedText {
    const emptyAt = from < this.length ? this.starts[from] : this.sourceEnd;
    return new AlignedText(this.text.slice(from, to), this.starts.slice(from, to), this.ends.slice(from, to), emptyAt);
  }

  /** Replaces every code point by `replace(codePoint)` (possibly empty or several code points);
   *  the replacement's units all inherit the range of the code point they replace. A removed code
   *  point belongs to no unit any more, as in the reference: an accent stripped from decomposed
   *  "e" + U+0301 is not covered by the token of "e". */
  mapCodePoints(replace: (codePoint: string) => string): AlignedText {
    let text = '';
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < this.text.length; ) {
      const width = codePointWidth(this.text, i);
      const replacement = replace(this.text.slice(i, i + width));
      text += replacement;
      const start = this.starts[i];
      const end = this.ends[i + width - 1];
      for (let k = 0; k < replacement.length; k++) {
        starts.push(start);
        ends.push(end);
      }
      i += width;
    }
    return new AlignedText(text, starts, ends, this.sourceStart);
  }

  /** Replaces each match of the global regex `pattern` with `replacement(match)`; the replacement's
   *  units all inherit the whole match's range (an empty match's replacement becomes inserted text). */
  replaceMatches(pattern: RegExp, replacement: (match: string) => string): AlignedText {
    const parts: AlignedText[] = [];
    let last = 0;
    for (const match of this.text.matchAll(pattern)) {
      const from = match.index;
      const to = from + match[0].length;
      parts.push(this.slice(last, from));
      const content = replacement(match[0]);
      if (to > from) {
        parts.push(
          new AlignedText(content, new Array<number>(content.length).fill(this.starts[from]), new Array<number>(content.length).fill(this.ends[to - 1])),
        );
      } else {
        parts.push(AlignedText.inserted(content, this.slice(from, from).sourceStart));
      }
      last = to;
    }
    if (parts.length === 0) return this;
    parts.push(this.slice(last, this.length));
    return AlignedText.concat(parts);
  }
}

