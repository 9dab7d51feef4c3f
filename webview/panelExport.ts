/**
 * Exports of the shown view: JSON (the host writes the run), or the view as an SVG or PNG figure.
 * Figures are drawn from the exact float32 weights, not the compact matrix the view draws: the
 * tokens view's shading as the host computes it, or the matrix asked for again in float32. The
 * file is saved by the host (SaveExport); an export whose run was replaced meanwhile saves
 * nothing.
 */
import { MessageType, matrixFromMessage, type ExportFormat, type ResultSummary } from '../src/shared/protocol';
import { hideColumns, sinkColumns } from '../src/shared/renormalize';
import { matrixSvg, tokensSvg } from '../src/shared/svgFigure';
import { chipLabel, layoutTokens } from '../src/shared/tokenLayout';
import type { ExactWeights } from './exactWeights';
import { svgToPng } from './exportBar';
import type { HostChannel } from './host';
import { l10n } from './l10n';
import type { Shading } from './panelShading';
import { hiddenSinks, hostSelector, type PanelState } from './panelState';
import type { PanelContext } from './panelStore';
import { focusName, headName } from './panelText';

/** What an export reads and whom it tells. */
export interface ExportSources {
  readonly panel: PanelContext;
  readonly host: Pick<HostChannel<PanelState>, 'request' | 'post'>;
  readonly exactWeights: Pick<ExactWeights, 'read'>;
  /** The drawn matrix `[T, T]`: nothing is exported before one has come. */
  readonly matrix: () => Float32Array | undefined;
  /** The token view's shading, which the tokens figure draws. */
  readonly shading: () => Shading | undefined;
  /** Says why an export failed (the panel's status line). */
  readonly onError: (message: string) => void;
}

export class PanelExport {
  constructor(private readonly from: ExportSources) {}

  /** Whether there is anything to export: a result with its matrix drawn. */
  get ready(): boolean {
    return this.from.panel.result !== undefined && this.from.matrix() !== undefined;
  }

  /**
   * Exports the shown view as `format` (a figure of the tokens or the matrix view, or the run as
   * JSON) to a file the host saves. Failures go to `onError`; nothing throws.
   */
  async export(format: ExportFormat): Promise<void> {
    const { panel, host } = this.from;
    const current = panel.result;
    if (!current || !this.from.matrix()) return;
    const { state } = panel;
    const head = state.head === 'rollout' ? 'rollout' : typeof state.head === 'number' ? `H${state.head}` : state.head;
    const name = `attention-${current.source.replace(/[^\w.-]+/g, '_')}-L${state.layer}${head}${format === 'json' ? '' : '-' + (state.tab === 'tokens' ? 'tokens' : 'matrix')}`;
    try {
      const figure = format === 'json' ? undefined : await this.exactFigure(current);
      if (figure === undefined && format !== 'json') return;
      const data = format === 'json' || figure === undefined ? undefined : format === 'svg' ? figure : await svgToPng(figure, 2);
      // A figure of a run that was replaced meanwhile is not saved under the new one.
      if (panel.result !== current) return;
      host.post({ type: MessageType.SaveExport, runId: current.runId, format, name, data });
      document.body.dataset.exported = format;
    } catch (error) {
      this.from.onError(l10n.t('Export failed: {0}', error instanceof Error ? error.message : String(error)));
    }
  }

  /**
   * The current view's figure from the exact float32 weights (the drawn matrix is compact): the
   * tokens' shading as the host computes it, or the matrix asked for in float32. Undefined when the
   * run changed meanwhile.
   */
  private async exactFigure(current: ResultSummary): Promise<string | undefined> {
    const { panel, host, exactWeights } = this.from;
    const size = current.tokens.length;
    if (panel.state.tab === 'tokens') {
      const drawn = this.from.shading();
      const weights = drawn && (drawn.exact ? drawn.weights : await exactWeights.read('export', current.runId, size, drawn.query));
      if ((drawn && !weights) || panel.result !== current) return undefined;
      return this.figureSvg(current, undefined, drawn && weights && { weights, focus: drawn.focus });
    }
    const { runId } = current;
    const { state } = panel;
    const reply =
      state.head === 'rollout'
        ? await host.request('export', (requestId) => ({ type: MessageType.RequestRollout, requestId, runId, layer: state.layer, exact: true }))
        : await host.request('export', (requestId) => ({ type: MessageType.RequestMatrix, requestId, runId, selector: hostSelector(state), exact: true }));
    const exact = reply && reply.runId === runId ? matrixFromMessage(reply) : undefined;
    if (!exact || panel.result !== current) return undefined;
    const hidden = sinkColumns(current.tokens, hiddenSinks(panel.state));
    return this.figureSvg(current, hidden.length > 0 ? hideColumns(exact, size, hidden) : exact, undefined);
  }

  /** The SVG of the current view: the tokens view as shaded, otherwise the matrix. */
  private figureSvg(current: ResultSummary, drawn: Float32Array | undefined, shading: { weights: Float32Array; focus: number[] } | undefined): string {
    const { state } = this.from.panel;
    const title = `${current.source} · ${current.modelName} · ${headName(state)}`;
    if (state.tab === 'tokens') {
      return tokensSvg({
        title: shading ? `${title} · ${focusName(state, current.tokens, shading.focus)}` : title,
        lines: layoutTokens(current.text, current.tokens),
        weights: shading?.weights,
        focus: shading?.focus ?? [],
        threshold: state.threshold,
      });
    }
    const labels = current.tokens.map((token) => chipLabel(current.text, token));
    return matrixSvg({ title, labels, matrix: drawn ?? new Float32Array(current.tokens.length ** 2), size: current.tokens.length, mode: state.color, threshold: state.threshold });
  }
}
