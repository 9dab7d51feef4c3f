/** Names the walkthrough in package.json shares with src/walkthrough.ts (no `vscode` import, so tests read them). */

/** `publisher.name#id`, as workbench.action.openWalkthrough takes it. */
export const WALKTHROUGH = 'attention-lens.attention-lens#gettingStarted';
export const OPEN_SAMPLE_COMMAND = 'attentionLens.openSample';
export const SHOW_ATTENTION_ON_SAMPLE_COMMAND = 'attentionLens.walkthrough.showAttention';
/** Registered in ExtensionMode.Test only: forgets that the walkthrough was shown. */
export const RESET_WALKTHROUGH_COMMAND = 'attentionLens.test.resetWalkthrough';

/** Context keys named by the steps' `onContext:` completion events; each becomes true once. */
export const WALKTHROUGH_CONTEXT_KEYS = {
  /** A Show Attention run finished, however it was started. */
  ranShowAttention: 'attentionLens.walkthrough.ranShowAttention',
  /** The user picked a layer or head in the panel or the side view. */
  pickedHead: 'attentionLens.walkthrough.pickedHead',
  /** The user picked a head that is first by previous-token, bracket or induction score. */
  foundPatternHead: 'attentionLens.walkthrough.foundPatternHead',
} as const;
