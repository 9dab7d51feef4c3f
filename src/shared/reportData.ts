/** The data a standalone HTML report embeds, written by the command line and read by the page. */
import type { ResultSummary } from './protocol';
import type { ResultJson } from './resultJson';

/** What the report page embeds as JSON: the summary the webview draws and base64 float32 layers. */
export interface ReportData {
  readonly summary: ResultSummary;
  /** The JSON result the command line writes, less its attention (rebuilt from `attention`). */
  readonly meta: Omit<ResultJson, 'attention'>;
  readonly attention: readonly string[];
}
