/**
 * Token shading in the panel: which tokens are in focus (hovered, the span, the pinned token, or
 * by default the last token with text), the weights that shade the token view, and the pinned
 * row and token shown as selected. Colours come at once from the drawn (compact) matrix; the
 * numbers only once the exact float32 weights are in (exactWeights.ts), and a shading replaced
 * meanwhile is not overwritten by its late weights. It also keeps the last shading, which the
 * exported tokens figure draws.
 */
import type { ResultSummary } from '../src/shared/protocol';
import { focusWeights } from '../src/shared/renormalize';
import type { ExactWeights, WeightsQuery } from './exactWeights';
import type { Heatmap } from './heatmap';
import { hiddenSinks, hostSelector } from './panelState';
import { focusIndices, pinnedSelection } from './panelSelection';
import type { PanelContext } from './panelStore';
import { focusName, headName, tokenLabel } from './panelText';
import type { TokenView } from './tokenView';
import { l10n } from './l10n';

/** The shading drawn last: weights `[T]` for the `focus` tokens, `exact` once the host's float32 weights are in. */
export interface Shading {
  readonly weights: Float32Array;
  readonly focus: number[];
  readonly query: WeightsQuery;
  readonly exact: boolean;
}

/** The views this shades and marks. */
export interface ShadedViews {
  readonly tokenView: Pick<TokenView, 'shade' | 'setSelection'>;
  readonly heatmap: Pick<Heatmap, 'markRow' | 'setPinned'>;
}

/**
 * The token shaded when the user has focused none: the last token with visible text (not a
 * special token, not only white space), which sees the whole text in a causal model, so the first
 * screen already shows attention. Undefined when there is no such token.
 */
function defaultFocus(result: ResultSummary | undefined): number[] | undefined {
  const tokens = result?.tokens ?? [];
  for (let i = tokens.length - 1; i >= 0; i--) if (!tokens[i].special && tokens[i].text.trim() !== '') return [i];
  return undefined;
}

export class PanelShading {
  private hovered: number | undefined;
  /** Set by a keyboard move: the next shade() scrolls the active token into view. */
  private scrollToActive = false;
  private shaded: Shading | undefined;

  /** `matrix` gives the drawn matrix `[T, T]` (undefined until one has come). */
  constructor(
    private readonly panel: PanelContext,
    private readonly matrix: () => Float32Array | undefined,
    private readonly exactWeights: Pick<ExactWeights, 'peek' | 'read'>,
    private readonly views: ShadedViews,
  ) {}

  /** The shading drawn last; undefined when nothing is shaded. */
  get drawn(): Shading | undefined {
    return this.shaded;
  }

  /** The pointer is over token (or matrix row) `index`, or over none: shades for it. */
  hover(index: number | undefined): void {
    this.hovered = index;
    this.shade();
  }

  /** The keyboard moved the pin or span: shades for it and scrolls the active token into view. */
  stepped(): void {
    this.hovered = undefined;
    this.scrollToActive = true;
    this.shade();
  }

  /** Shades the token view for the tokens in focus and shows the pin and span. */
  shade(): void {
    const { state, result } = this.panel;
    const { tokenView, heatmap } = this.views;
    const chosen = focusIndices(state, this.hovered);
    heatmap.markRow(chosen?.length === 1 ? chosen[0] : undefined);
    this.showPinned();
    const focus = chosen ?? defaultFocus(result);
    const matrix = this.matrix();
    if (!result || !matrix || !focus) {
      this.shaded = undefined;
      tokenView.shade(undefined, undefined);
      return;
    }
    const { runId } = result;
    const size = result.tokens.length;
    const description = l10n.t('{0} ({1}); strongest:', focusName(state, result.tokens, focus), headName(state));
    const query: WeightsQuery = { selector: hostSelector(state), rollout: state.head === 'rollout', indices: focus, direction: state.direction, mode: state.spanMode, sinks: hiddenSinks(state) };
    const cached = this.exactWeights.peek(runId, query);
    // Colours at once from the compact matrix; the numbers once the exact weights are in.
    const weights = cached ?? focusWeights(matrix, size, focus, state.direction, state.spanMode);
    const current: Shading = { weights, focus, query, exact: cached !== undefined };
    this.shaded = current;
    tokenView.shade(weights, { description, focus, threshold: state.threshold, exact: current.exact });
    if (current.exact) return;
    void this.exactWeights.read('weights', runId, size, query).then((exact) => {
      if (!exact || this.shaded !== current) return;
      this.shaded = { ...current, weights: exact, exact: true };
      tokenView.shade(exact, { description, focus, threshold: this.panel.state.threshold, exact: true });
    });
  }

  /** The pinned token or span, in the token view (selected, active) and the matrix (pinned row). */
  private showPinned(): void {
    const { state, result } = this.panel;
    const { selected, active, row } = pinnedSelection(state);
    this.views.tokenView.setSelection(active, selected, this.scrollToActive);
    this.scrollToActive = false;
    this.views.heatmap.setPinned(row, row === undefined ? undefined : tokenLabel(result?.tokens, row));
  }
}
