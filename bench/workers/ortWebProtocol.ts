/** Messages between the benchmark and its raw onnxruntime-web worker. */
export type OrtWebRequest =
  | {
      readonly kind: 'load';
      readonly modelPath: string;
      readonly wasmDir: string;
      readonly threads: number;
      readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
    }
  | { readonly kind: 'run'; readonly ids: readonly number[]; readonly outputs: string[]; readonly warmup: number; readonly repeats: number };

export type OrtWebReply =
  | { readonly kind: 'loaded'; readonly loadMs: number; readonly outputNames: string[] }
  | { readonly kind: 'ran'; readonly times: number[] }
  | { readonly kind: 'failed'; readonly message: string };
