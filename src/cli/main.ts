/**
 * attention-lens: the command-line entry point. The same core as the extension (tokenizer,
 * AttentionModel on onnxruntime-node where installed, else onnxruntime-web; result JSON), without VS Code.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { loadAttentionModel } from '../inference/nativeEngine';
import { lineStarts, offsetAt, positionAt } from '../shared/textPositions';
import { resultToJson } from '../shared/resultJson';
import { checkInferenceOutput } from '../inference/outputChecks';
import { summarize } from '../shared/resultSummary';
import { capAnalysisText } from '../shared/textCap';
import { coveredEnd } from '../shared/tokens';
import { CliUsageError, USAGE, parseCliArgs } from './cliArgs';
import { writeHtmlReport } from './htmlReport';

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseCliArgs(argv);
  const documentText = await readFile(options.file, 'utf8');
  const starts = lineStarts(documentText);
  const startOffset = options.range ? offsetAt(documentText, starts, options.range.start) : 0;
  const endOffset = options.range ? offsetAt(documentText, starts, options.range.end) : documentText.length;
  const text = documentText.slice(startOffset, endOffset);
  const startLine = positionAt(starts, startOffset).line;
  if (text.trim() === '') throw new CliUsageError('the file or range holds only whitespace: nothing to analyse');

  // dist/cli.js sits beside dist/ort; the bundled model is in media/model. onnxruntime-node runs
  // the model when installed (npm's optional dependency, or a platform package's dist/native).
  const model = await loadAttentionModel(
    { folder: options.model ? resolve(options.model) : join(__dirname, '..', 'media', 'model'), threads: options.threads, runtime: 'native' },
    join(__dirname, 'ort'),
    __dirname,
  );
  // Say what was found in a model that is not the bundled one (KV cache, fused attention rewritten, …).
  if (model.info.found) console.error(`model ${model.info.name}: ${model.info.layers} layers x ${model.info.heads} heads, ${model.info.found}`);
  if (model.info.runtimeFallback) console.error(`note: running on WebAssembly: ${model.info.runtimeFallback}`);
  try {
    // The same cap and output checks as the extension: a huge file is cut before tokenizing, and
    // attention that cannot be shown is refused with a message.
    const sent = capAnalysisText(text, options.maxTokens);
    const output = await model.run(sent.text, options.maxTokens);
    checkInferenceOutput(output, model.info);
    const end = coveredEnd(output.tokens) ?? 0;
    if (output.truncated || sent.capped) {
      console.error(`note: the text is longer than ${output.tokens.length} tokens; analysed the first ${end} characters`);
    }
    const result = resultToJson({
      source: { file: basename(options.file), startOffset, text: text.slice(0, end) },
      tokens: output.tokens,
      attention: output.attention,
      model: model.info,
      documentText,
    });
    if (options.json) {
      await writeFile(options.json, JSON.stringify(result));
      console.error(`wrote ${options.json}: ${result.tokens.length} tokens, ${model.info.layers} layers x ${model.info.heads} heads${model.info.found ? `, ${model.info.found}` : ''}`);
    }
    if (options.html) {
      const summary = summarize({
        runId: 1,
        text: result.source.text,
        tokens: output.tokens,
        model: model.info,
        source: `${result.source.file}:${startLine + 1}`,
        truncated: output.truncated || sent.capped,
        timings: { tokenize: output.tokenizeMs, inference: output.inferenceMs, load: model.info.loadMs, transfer: 0, total: 0 },
      });
      const { attention: _nested, ...meta } = result;
      await writeHtmlReport(options.html, summary, output.attention, __dirname, meta);
      console.error(`wrote ${options.html}`);
    }
    return 0;
  } finally {
    await model.dispose();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`attention-lens: ${message}`);
    if (err instanceof CliUsageError) console.error(`\n${USAGE}`);
    process.exit(err instanceof CliUsageError ? 2 : 1);
  },
);
