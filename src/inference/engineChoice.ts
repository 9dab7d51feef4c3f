/**
 * Which engine runs a request, and when the user hears about a fallback. The worker thread runs
 * onnxruntime-node (`native`) where the package carries it and it loads, else WASM, which always
 * works; WebGPU runs inside the panel webview, so it needs the panel open and visible.
 * `native` asks the worker for onnxruntime-node (falling back to WASM with the reason shown once).
 * `auto` asks for it too where the package carries it (a platform VSIX, a development checkout;
 * the worker then runs in a child process that can always be stopped, inference/inferenceClient.ts),
 * and runs WASM otherwise (the universal VSIX, the web); the fallback is logged, not shown. It
 * never picks WebGPU, which is loaded only when asked for.
 */
import type { BackendSetting } from '../settings';
import { ENGLISH, type Translator } from '../shared/translator';

/** The panel as a WebGPU engine sees it: a hidden webview runs no scripts. */
export type PanelAvailability = 'visible' | 'hidden' | 'closed';

/** WebGPU in the panel, or the worker thread with the runtime it should try first. */
export type EngineChoice =
  | { readonly engine: 'webgpu' }
  | { readonly engine: 'worker'; readonly runtime: 'native' | 'wasm'; readonly fallbackReason?: string };

/**
 * @param nativePresent whether onnxruntime-node is where the worker would load it from
 *   (inference/nativePresence.ts); only `auto` looks at it.
 */
export function chooseEngine(requested: BackendSetting, panel: PanelAvailability, nativePresent = false): EngineChoice {
  if (requested === 'wasm') return { engine: 'worker', runtime: 'wasm' };
  if (requested === 'auto') return { engine: 'worker', runtime: nativePresent ? 'native' : 'wasm' };
  if (requested === 'native') return { engine: 'worker', runtime: 'native' };
  if (panel === 'closed') return { engine: 'worker', runtime: 'wasm', fallbackReason: 'WebGPU runs inside the Attention Lens panel, and the panel is not open' };
  if (panel === 'hidden') return { engine: 'worker', runtime: 'wasm', fallbackReason: 'WebGPU runs inside the Attention Lens panel, and the panel is hidden' };
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

/** The notice for a backend the user asked for by name (`webgpu`, `native`) that could not run. */
export function fallbackMessage(reason: string, requested: 'WebGPU' | 'The native runtime' = 'WebGPU', l10n: Translator = ENGLISH): string {
  return requested === 'WebGPU'
    ? l10n.t('Attention Lens: WebGPU is unavailable ({0}); running the model on WASM.', reason)
    : l10n.t('Attention Lens: The native runtime is unavailable ({0}); running the model on WASM.', reason);
}
