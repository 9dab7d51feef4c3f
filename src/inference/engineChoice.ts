/**
 * Which engine runs a request, and when the user hears about a fallback. WASM in the worker
 * always works; WebGPU runs inside the panel webview, so it needs the panel open and visible.
 * `auto` stays on WASM: the WebGPU runtime is large, and is loaded only when asked for.
 */
import type { BackendSetting } from '../settings';

/** The panel as a WebGPU engine sees it: a hidden webview runs no scripts. */
export type PanelAvailability = 'visible' | 'hidden' | 'closed';

export type EngineChoice = { readonly engine: 'webgpu' } | { readonly engine: 'wasm'; readonly fallbackReason?: string };

export function chooseEngine(requested: BackendSetting, panel: PanelAvailability): EngineChoice {
  if (requested !== 'webgpu') return { engine: 'wasm' };
  if (panel === 'closed') return { engine: 'wasm', fallbackReason: 'WebGPU runs inside the Attention Lens panel, and the panel is not open' };
  if (panel === 'hidden') return { engine: 'wasm', fallbackReason: 'WebGPU runs inside the Attention Lens panel, and the panel is hidden' };
  return { engine: 'webgpu' };
}

/** Remembers which fallback reasons the user was told, so each is shown once per window. */
export class FallbackNotices {
  private readonly told = new Set<string>();

  /** True the first time `reason` is given. */
  firstTime(reason: string): boolean {
    if (this.told.has(reason)) return false;
    this.told.add(reason);
    return true;
  }
}

export function fallbackMessage(reason: string): string {
  return `Attention Lens: WebGPU is unavailable (${reason}); running the model on WASM.`;
}
