/**
 * The part of VS Code's notebook renderer API this renderer uses (the `vscode-notebook-renderer`
 * types, as documented at https://code.visualstudio.com/api/extension-guides/notebook#notebook-renderer),
 * written out here so the bundle needs no extra package.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  /** The output's data parsed as JSON. */
  json(): unknown;
  text(): string;
}

export interface RendererApi {
  renderOutputItem(outputItem: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction = (context: unknown) => RendererApi;
