/** Command-line arguments of the attention-lens tool, parsed and validated. */
import { parseArgs } from 'node:util';
import { DEFAULT_REQUEST_TIMEOUT_SECONDS, MAX_REQUEST_TIMEOUT_SECONDS } from '../inference/requestTimeout';

export const USAGE = `Usage: attention-lens <file> [--range L:C-L:C] [--model DIR] [--max-tokens N] [--threads N]
                      [--timeout SECONDS] (--json OUT.json | --html OUT.html)...

Runs the model over a file (or a range of it: 1-based line:column, end exclusive) and writes
the tokens and every layer's attention as JSON, and/or a self-contained offline HTML report.
--model DIR          a folder with model.onnx and tokenizer.json (default: the bundled model)
--timeout SECONDS    time limit of loading the model, and of tokenizing and running it
                     (default: ${DEFAULT_REQUEST_TIMEOUT_SECONDS}); a step that takes longer is stopped`;

export interface CliRange {
  readonly start: { readonly line: number; readonly character: number };
  readonly end: { readonly line: number; readonly character: number };
}

export interface CliOptions {
  readonly file: string;
  readonly range: CliRange | undefined;
  readonly model: string | undefined;
  readonly maxTokens: number;
  readonly threads: number;
  /** Time limit of each worker request (model load; tokenize and run), in seconds. */
  readonly timeoutSeconds: number;
  readonly json: string | undefined;
  readonly html: string | undefined;
}

export class CliUsageError extends Error {}

/** "3:1-10:5" (1-based, as editors show positions) -> 0-based line/character. */
export function parseRange(value: string): CliRange {
  const match = /^(\d+):(\d+)-(\d+):(\d+)$/.exec(value.trim());
  if (!match) throw new CliUsageError(`--range must look like 3:1-10:5 (line:column-line:column), got "${value}"`);
  const [l1, c1, l2, c2] = match.slice(1).map(Number);
  if (l1 < 1 || c1 < 1 || l2 < 1 || c2 < 1) throw new CliUsageError('--range lines and columns start at 1');
  const range = { start: { line: l1 - 1, character: c1 - 1 }, end: { line: l2 - 1, character: c2 - 1 } };
  if (range.end.line < range.start.line || (range.end.line === range.start.line && range.end.character <= range.start.character)) {
    throw new CliUsageError(`--range ${value} is empty or ends before it starts`);
  }
  return range;
}

function positiveInteger(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliUsageError(`${name} must be a positive integer, got "${value}"`);
  return n;
}

/** A number of seconds in (0, MAX_REQUEST_TIMEOUT_SECONDS]; fractions allowed. */
function timeoutSeconds(value: string | undefined): number {
  if (value === undefined) return DEFAULT_REQUEST_TIMEOUT_SECONDS;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > MAX_REQUEST_TIMEOUT_SECONDS) {
    throw new CliUsageError(`--timeout must be a number of seconds above 0 and at most ${MAX_REQUEST_TIMEOUT_SECONDS}, got "${value}"`);
  }
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        range: { type: 'string' },
        model: { type: 'string' },
        'max-tokens': { type: 'string' },
        threads: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
      },
    });
  } catch (err) {
    throw new CliUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CliUsageError(positionals.length === 0 ? 'no input file given' : 'give exactly one input file');
  if (values.json === undefined && values.html === undefined) throw new CliUsageError('nothing to write: give --json and/or --html');
  return {
    file: positionals[0],
    range: values.range === undefined ? undefined : parseRange(values.range),
    model: values.model,
    maxTokens: positiveInteger(values['max-tokens'], '--max-tokens', 512),
    threads: positiveInteger(values.threads, '--threads', 1),
    timeoutSeconds: timeoutSeconds(values.timeout),
    json: values.json,
    html: values.html,
  };
}
