/**
 * The token view's shading colours for the current theme: the contributed family
 * `attentionLens.attention1..5` (the editor shades with the same colours) composited over the
 * editor background into opaque colours, each with a text colour that reaches WCAG AA (4.5:1) on
 * it: the theme's foreground where it does, black or white where it does not. Recomputed when the
 * theme changes (VS Code rewrites the --vscode-* variables and the body's theme class; the
 * standalone report follows the system's colour scheme).
 */
import { composite, cssRgb, parseColor, readableText, type Rgba } from '../src/shared/contrast';
import { SHADE_BUCKETS, shadeColorId } from '../src/shared/shadeBuckets';

export interface ShadeColors {
  readonly background: string;
  readonly text: string;
}

/** Defaults for a theme that does not define the family (the Dark defaults of package.json). */
const FALLBACK_ALPHA = [0x24, 0x3d, 0x5c, 0x80, 0xa8];

function computed(style: string, property: 'backgroundColor' | 'color'): Rgba | undefined {
  const probe = document.createElement('span');
  probe.setAttribute('aria-hidden', 'true');
  probe.style.cssText = `position:absolute;visibility:hidden;${style}`;
  document.body.append(probe);
  const value = parseColor(getComputedStyle(probe)[property]);
  probe.remove();
  return value;
}

/** The opaque background and readable text colour of each step, 0 (faintest) .. 4. */
export function shadeColors(): ShadeColors[] {
  const body = getComputedStyle(document.body);
  const page = parseColor(body.backgroundColor);
  // A page without a background shows the browser's default canvas, white.
  const background = page && page.a > 0 ? { ...page, a: 1 } : { r: 255, g: 255, b: 255, a: 1 };
  const foreground = parseColor(body.color);
  return Array.from({ length: SHADE_BUCKETS }, (_, i) => {
    const variable = `--vscode-${shadeColorId(i).replace('.', '-')}`;
    const fallback = `rgba(255, 165, 0, ${(FALLBACK_ALPHA[i] / 255).toFixed(3)})`;
    const shade = computed(`background-color: var(${variable}, ${fallback})`, 'backgroundColor') ?? parseColor(fallback)!;
    const opaque = composite(shade, background);
    return { background: cssRgb(opaque), text: cssRgb(readableText(opaque, foreground ? [foreground] : [])) };
  });
}

/** Calls `onChange` after the theme changes (debounced to one call per frame). */
export function onThemeChange(onChange: () => void): void {
  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      onChange();
    });
  });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  // The standalone report follows the system's light or dark preference instead.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', onChange);
}
