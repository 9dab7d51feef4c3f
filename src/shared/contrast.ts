/**
 * Colour contrast as WCAG 2.2 defines it: relative luminance of sRGB colours, the contrast ratio
 * (L1 + 0.05) / (L2 + 0.05), compositing a translucent colour over an opaque one, and picking a
 * text colour that reads on a background. Source: WCAG 2.2, "relative luminance" and "contrast
 * ratio" definitions (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance), success criterion
 * 1.4.3 (4.5:1 for text). Pure: the webview shades tokens with it, the tests measure with it.
 */

/** An sRGB colour: r, g, b in 0..255, alpha in 0..1. */
export interface Rgba {
  readonly r: number;
  readonly g: number;
  readonly b: number;
  readonly a: number;
}

/** WCAG AA for normal text. */
export const AA_TEXT = 4.5;

const BLACK: Rgba = { r: 0, g: 0, b: 0, a: 1 };
const WHITE: Rgba = { r: 255, g: 255, b: 255, a: 1 };

/**
 * Parses a colour as browsers serialise computed styles: `rgb(r, g, b)`, `rgba(r, g, b, a)`,
 * the space-separated `rgb(r g b / a)`, `color(srgb r g b / a)` (channels 0..1) and `#rgb`,
 * `#rgba`, `#rrggbb`, `#rrggbbaa`. Returns undefined for anything else (named colours,
 * `transparent` aside, are not computed values).
 */
export function parseColor(text: string): Rgba | undefined {
  const value = text.trim().toLowerCase();
  if (value === 'transparent') return { r: 0, g: 0, b: 0, a: 0 };
  const hex = /^#([0-9a-f]{3,8})$/.exec(value)?.[1];
  if (hex && [3, 4, 6, 8].includes(hex.length)) {
    const long = hex.length <= 4 ? [...hex].map((c) => c + c).join('') : hex;
    const channel = (i: number) => parseInt(long.slice(i * 2, i * 2 + 2), 16);
    return { r: channel(0), g: channel(1), b: channel(2), a: long.length === 8 ? channel(3) / 255 : 1 };
  }
  const fn = /^(rgba?|color)\(([^)]*)\)$/.exec(value);
  if (!fn) return undefined;
  let args = fn[2].replace(/\//g, ' ').split(/[\s,]+/).filter((s) => s !== '');
  let unit = 1;
  if (fn[1] === 'color') {
    if (args[0] !== 'srgb') return undefined;
    args = args.slice(1);
    unit = 255;
  }
  if (args.length < 3 || args.length > 4) return undefined;
  const number = (s: string, scale: number) => (s.endsWith('%') ? (parseFloat(s) / 100) * (scale === 1 ? 255 : scale) : parseFloat(s) * scale);
  const [r, g, b] = args.slice(0, 3).map((s) => number(s, unit));
  const a = args[3] === undefined ? 1 : args[3].endsWith('%') ? parseFloat(args[3]) / 100 : parseFloat(args[3]);
  if (![r, g, b, a].every(Number.isFinite)) return undefined;
  return { r, g, b, a: Math.max(0, Math.min(1, a)) };
}

/** `top` drawn over the opaque `bottom` (source-over): an opaque colour. */
export function composite(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

/** WCAG relative luminance of an opaque sRGB colour, 0 (black) .. 1 (white). */
export function relativeLuminance(color: Rgba): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(color.r) + 0.7152 * linear(color.g) + 0.0722 * linear(color.b);
}

/** WCAG contrast ratio of two opaque colours, 1 .. 21 (order does not matter). */
export function contrastRatio(x: Rgba, y: Rgba): number {
  const lx = relativeLuminance(x);
  const ly = relativeLuminance(y);
  return (Math.max(lx, ly) + 0.05) / (Math.min(lx, ly) + 0.05);
}

/**
 * A text colour for the opaque `background`: the first of `preferred` (e.g. the theme's
 * foreground) that reaches `minimum`, else black or white, whichever contrasts more. Black or
 * white always reaches at least 4.58:1 on any opaque colour, so the result meets AA text.
 */
export function readableText(background: Rgba, preferred: readonly Rgba[] = [], minimum = AA_TEXT): Rgba {
  for (const color of preferred) {
    const opaque = color.a < 1 ? composite(color, background) : color;
    if (contrastRatio(opaque, background) >= minimum) return opaque;
  }
  return contrastRatio(BLACK, background) >= contrastRatio(WHITE, background) ? BLACK : WHITE;
}

/** `rgb(r, g, b)` with rounded channels (alpha dropped: for opaque colours). */
export function cssRgb(color: Rgba): string {
  return `rgb(${Math.round(color.r)}, ${Math.round(color.g)}, ${Math.round(color.b)})`;
}
