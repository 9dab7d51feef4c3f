/**
 * Where a model's files are and reading them: model.onnx and tokenizer.json (required) and an
 * optional config.json, all in one folder unless the location names the files explicitly.
 */
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelLoadError } from './modelErrors';
import type { ModelLocation } from './workerProtocol';

export const MODEL_FILE = 'model.onnx';
export const TOKENIZER_FILE = 'tokenizer.json';
const CONFIG_FILE = 'config.json';

export interface ModelFiles {
  readonly model: string;
  readonly tokenizer: string;
  readonly config: string;
}

export function modelFiles(location: ModelLocation): ModelFiles {
  return {
    model: location.modelFile ?? join(location.folder, MODEL_FILE),
    tokenizer: location.tokenizerFile ?? join(location.folder, TOKENIZER_FILE),
    config: join(location.folder, CONFIG_FILE),
  };
}

/** The required files `folder` lacks (empty when it looks like a model folder). */
export async function missingModelFiles(folder: string): Promise<string[]> {
  const required = [MODEL_FILE, TOKENIZER_FILE];
  const present = await Promise.all(required.map((name) => access(join(folder, name)).then(() => true, () => false)));
  return required.filter((_, i) => !present[i]);
}

/** Reads a file the model cannot do without; a missing one is a ModelLoadError that says what to do. */
export async function readRequiredFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new ModelLoadError(
      'missing-file',
      `The ${what} ${path} ${reason}. A model folder needs ${MODEL_FILE} and ${TOKENIZER_FILE}; ` +
        'run "Attention Lens: Select Model…" to choose another folder or go back to the bundled model.',
    );
  }
}

/** The text of an optional file, or undefined when it is absent. */
export async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ModelLoadError('missing-file', `${path} cannot be read (${(err as Error).message}). Fix its permissions or delete it.`);
  }
}
