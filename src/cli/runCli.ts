/**
 * The attention-lens command: the same core as the extension (tokenizer, AttentionModel on
 * onnxruntime-node where installed, else onnxruntime-web; the extension's text cap, output checks
 * and summary; result JSON), without VS Code. main.ts calls it with the installed paths.
 *
 * The model runs in the extension's inference worker (dist/worker.js), under the same watchdog:
 * tokenizing is synchronous JavaScript and a run blocks its thread, so only a model elsewhere can
 * be stopped when it runs out of `--timeout`. The worker is a child process, not a thread: a
 * thread inside onnxruntime-node can be neither terminated nor waited for at exit; a process can
 * be killed.
 */
import { inMemoryLayers } from '../shared/attentionLayers';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InferenceClient } from '../inference/inferenceClient';
import { startWorkerProcess } from '../inference/workerHandle';
import type { ModelLocation } from '../inference/workerProtocol';
import { analysisCut, cutMessage, placeAfter, type AnalysisCut } from '../shared/analysisCut';
import { resultToJson } from '../shared/resultJson';
import { summarize } from '../shared/resultSummary';
import { capAnalysisText, sendCap } from '../shared/textCap';
import { coveredEnd } from '../shared/tokens';
import { CliUsageError, USAGE, parseCliArgs } from './cliArgs';
import { checkPaths, cliModelMessage, NOTHING_TO_ANALYSE, selectText } from './cliText';
import { writeHtmlReport } from './htmlReport';

/** Where the CLI finds onnxruntime's WebAssembly files and the bundled model. */
export interface CliPaths {
  readonly ortDir: string;
  readonly bundledModelDir: string;
  /** Where worker.js (the inference worker), webview.js and report.js (the HTML report's scripts) are. */
  readonly distDir: string;
}

/**
 * Runs the CLI on `argv` and returns the exit status (0). Throws CliUsageError for what the user
 * can fix in the command line or the input, and other errors for failures; messages go to stderr.
 */
export async function runCli(argv: readonly string[], paths: CliPaths): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseCliArgs(argv);
  // Everything the user can get wrong is checked before the (slow) model load.
  await checkPaths(options.file, [options.json, options.html]);
  const { documentText, startOffset, endOffset, startLine } = selectText(await readFile(options.file, 'utf8'), options.range, options.file);
  // As in the extension: cut the text to what maxTokens can use before tokenizing it.
  const sent = capAnalysisText(documentText.slice(startOffset, endOffset), options.maxTokens, sendCap(options.maxTokens));
  const text = sent.text;

  // onnxruntime-node runs the model when installed (npm's optional dependency, or a platform
  // package's dist/native); otherwise WebAssembly, with the reason noted.
  const location: ModelLocation = { folder: options.model ? resolve(options.model) : paths.bundledModelDir, threads: options.threads, runtime: 'native' };
  const client = new InferenceClient(join(paths.distDir, 'worker.js'), paths.ortDir, () => {}, {
    timeoutMs: () => options.timeoutSeconds * 1000,
    limitName: '--timeout',
    start: startWorkerProcess,
    // The CLI writes whole runs (nested JSON, the report's embedded layers): nothing it writes
    // could be read from disk piece by piece, so runs come into memory.
    storedFromBytes: Infinity,
  });
  try {
    const info = await client.load(location).catch((err: unknown) => {
      if (err instanceof Error) err.message = cliModelMessage(err.message);
      throw err;
    });
    // Say what was found in a model that is not the bundled one (KV cache, fused attention rewritten, …).
    if (info.found) console.error(`model ${info.name}: ${info.layers} layers x ${info.heads} heads, ${info.found}`);
    if (info.runtimeFallback) console.error(`note: running on WebAssembly: ${info.runtimeFallback}`);
    const frame = info.specialTokens ?? 0;
    if (options.maxTokens <= frame) {
      throw new CliUsageError(`--max-tokens ${options.maxTokens} leaves no room for text: this model adds ${frame} special token${frame === 1 ? '' : 's'}; give at least ${frame + 1}`);
    }
    const { output } = await client.run(location, text, options.maxTokens);
    const end = coveredEnd(output.tokens);
    if (end === undefined) throw new CliUsageError(NOTHING_TO_ANALYSE);
    // The worker has made the extension's checks: a text whose attention would not fit in memory
    // was cut (memoryLimit), a model whose attention fits for no text was refused with a message.
    const truncated = output.truncated || sent.capped;
    // Where the analysis stopped, in the file's lines, as the extension's banner says it.
    const cut = truncated ? cliCut(documentText, startOffset, endOffset, end, output.memoryLimit ?? Math.min(options.maxTokens, info.context), output.memoryLimit !== undefined) : undefined;
    if (cut) console.error(`note: ${cutMessage(cut)}`);
    const result = resultToJson({
      source: { file: basename(options.file), startOffset, text: text.slice(0, end) },
      tokens: output.tokens,
      attention: inMemoryLayers(output.attention, output.tokens.length),
      model: info,
      documentText,
    });
    if (options.json) {
      await writeFile(options.json, JSON.stringify(result));
      console.error(`wrote ${options.json}: ${result.tokens.length} tokens, ${info.layers} layers x ${info.heads} heads${info.found ? `, ${info.found}` : ''}`);
    }
    if (options.html) {
      const summary = summarize({
        runId: 1,
        text: result.source.text,
        tokens: output.tokens,
        model: info,
        source: `${result.source.file}:${startLine + 1}`,
        truncated,
        ...(cut ? { cut } : {}),
        timings: { tokenize: output.tokenizeMs, inference: output.inferenceMs, load: info.loadMs, transfer: 0, total: 0 },
      });
      const { attention: _nested, ...meta } = result;
      await writeHtmlReport(options.html, summary, output.attention, paths.distDir, meta);
      console.error(`wrote ${options.html}`);
    }
    return 0;
  } finally {
    client.dispose();
  }
}

/**
 * The cut of a CLI run that kept the first `end` UTF-16 units of the text between `startOffset`
 * and `endOffset` of `documentText`, in the file's lines (see shared/analysisCut.ts).
 */
function cliCut(documentText: string, startOffset: number, endOffset: number, end: number, tokenLimit: number, memoryBound: boolean): AnalysisCut {
  const fileStart = { line: 0, character: 0 };
  const start = placeAfter(fileStart, documentText.slice(0, startOffset));
  const requestedLastLine = placeAfter(fileStart, documentText.slice(0, Math.max(startOffset, endOffset - 1))).line;
  return analysisCut({ start, requestedLastLine }, documentText.slice(startOffset, endOffset), end, tokenLimit, memoryBound);
}
