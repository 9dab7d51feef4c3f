/**
 * Opens new runs on their most informative head (patternHeads.ts mostInformativeHead) instead of
 * layer 0 head 0, until the user picks a head themselves: from then on, in this window, every run
 * keeps the head they picked (the fixed choice), as it does when the `openOn` setting is
 * 'chosenHead'. Scores are computed off the extension host's thread (the view worker), after the
 * run is shown, so the first paint is not delayed; the views then follow the shared selection.
 * No `vscode` import: unit-tested directly.
 */
import { describeSelector, type ShownHead, type ShownHeadChange } from './shownHead';
import { mostInformativeHead, type InformativeHead } from './patternHeads';
import type { AttentionRun } from './attentionRun';

/** Where a new run opens: the 'openOn' setting's values. */
export type OpenOn = 'mostInformativeHead' | 'chosenHead';

export interface InformativeHeadDeps {
  readonly shownHead: ShownHead;
  /** Head scores, Float32 [layer][head][score] (headBadges order); undefined when unavailable. */
  readonly scoresOf: (run: AttentionRun) => Promise<Float32Array | undefined>;
  /** The run shown now (a newer run makes an older run's scores moot). */
  readonly latest: () => AttentionRun | undefined;
  readonly openOn: () => OpenOn;
  /** The note shown with the choice (default: informativeNote, in English). */
  readonly note?: (head: InformativeHead) => string;
}

/** The sentence the panel shows beside a run opened on its most informative head. */
export function informativeNote(head: InformativeHead): string {
  const pattern = head.pattern === 'previous' ? 'previous-token' : head.pattern;
  return `Opened on ${describeSelector(head)}, the strongest ${pattern} head of this run (score ${head.score.toFixed(2)}). Pick any head to keep it for later runs.`;
}

export class InformativeHeadChooser {
  private userPicked = false;
  private readonly subscription: { dispose(): void };

  constructor(private readonly deps: InformativeHeadDeps) {
    this.subscription = deps.shownHead.onDidChange((change: ShownHeadChange) => {
      if (change.source === 'panel' || change.source === 'side' || change.source === 'api') this.userPicked = true;
    });
  }

  /** Whether runs still open on their most informative head (no head picked by hand yet). */
  get choosing(): boolean {
    return this.deps.openOn() === 'mostInformativeHead' && !this.userPicked;
  }

  /**
   * For a new run: finds its most informative head and shows it in every view. Resolves with the
   * head chosen, or undefined when it kept the selection (setting, a head picked by hand, no head
   * over the threshold, no scores, or a newer run came meanwhile).
   */
  async onRun(run: AttentionRun): Promise<InformativeHead | undefined> {
    if (!this.choosing) return undefined;
    const scores = await this.deps.scoresOf(run);
    if (!scores || this.deps.latest() !== run || !this.choosing) return undefined;
    const best = mostInformativeHead(scores, run.model.layers, run.model.heads);
    if (!best) return undefined;
    this.deps.shownHead.set({ layer: best.layer, head: best.head }, 'informative', (this.deps.note ?? informativeNote)(best));
    return best;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
