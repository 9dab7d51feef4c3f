/**
 * Where a model's files are and reading them: model.onnx and tokenizer.json (required) and an
 * optional config.json, all in one folder unless the location names the files explicitly.
 */
import { constants } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
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

/** Size caps, checked before a byte is read (a protobuf message cannot exceed 2 GiB). */
export const MAX_MODEL_BYTES = 2 * 1024 ** 3;
export const MAX_TOKENIZER_BYTES = 100 * 1024 ** 2;
export const MAX_CONFIG_BYTES = 1024 ** 2;
/** Weights (model file plus external data) onnxruntime-web can hold: its WebAssembly heap is 4 GiB
 *  and must also hold the activations and the attention of a run. */
export const MAX_WEIGHT_BYTES = 3.5 * 1024 ** 3;

/** Why a file could not be opened safely; `code` is the errno ('ENOENT', …) or 'not-file' / 'too-big'. */
class UnsafeFileError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function size(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : bytes >= 1024 ** 2 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${bytes} bytes`;
}

/**
 * Reads a whole file only when it is a regular file (after following links) of at most `cap`
 * bytes. The file is opened non-blocking, so a FIFO cannot hang the open, and checked on the open
 * handle (no window between check and read); exactly the size stated then is read, so a device or
 * a growing file cannot make it read without end.
 */
async function readBoundedFile(path: string, cap: number, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw new UnsafeFileError((err as NodeJS.ErrnoException).code ?? 'EIO', (err as Error).message);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new UnsafeFileError('not-file', `${path} is not a regular file (a device, FIFO, socket or folder); the ${what} must be a plain file.`);
    if (stats.size > cap) {
      throw new UnsafeFileError('too-big', `${path} is ${size(stats.size)}, more than the ${size(cap)} Attention Lens reads for a ${what}.`);
    }
    const buffer = Buffer.alloc(stats.size);
    let filled = 0;
    while (filled < stats.size) {
      const { bytesRead } = await handle.read(buffer, filled, stats.size - filled, filled);
      if (bytesRead === 0) throw new UnsafeFileError('EIO', `${path} became shorter while it was read (${filled} of ${stats.size} bytes); copy it again.`);
      filled += bytesRead;
    }
    return buffer;
  } finally {
    await handle.close();
  }
}

/** Reads a file the model cannot do without; a missing one is a ModelLoadError that says what to do. */
export async function readRequiredFile(path: string, what: string, cap = MAX_TOKENIZER_BYTES): Promise<Uint8Array> {
  try {
    return await readBoundedFile(path, cap, what);
  } catch (err) {
    if (err instanceof UnsafeFileError && (err.code === 'not-file' || err.code === 'too-big')) {
      throw new ModelLoadError(err.code === 'too-big' ? 'too-big' : 'missing-file', `The ${what} ${err.message}`);
    }
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new ModelLoadError(
      'missing-file',
      `The ${what} ${path} ${reason}. A model folder needs ${MODEL_FILE} and ${TOKENIZER_FILE}; ` +
        'run "Attention Lens: Select Model…" to choose another folder or go back to the bundled model.',
    );
  }
}

/** The ONNX file: at most 2 GiB (larger weights belong in external data files). */
export function readModelFile(path: string): Promise<Uint8Array> {
  return readRequiredFile(path, 'model', MAX_MODEL_BYTES);
}

/** The text of an optional file (config.json, at most 1 MB), or undefined when it is absent. */
export async function readOptionalText(path: string, cap = MAX_CONFIG_BYTES): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await readBoundedFile(path, cap, 'config file'));
  } catch (err) {
    if (err instanceof UnsafeFileError && err.code === 'ENOENT') return undefined;
    if (err instanceof UnsafeFileError && (err.code === 'not-file' || err.code === 'too-big')) {
      throw new ModelLoadError(err.code === 'too-big' ? 'too-big' : 'config', `The config file ${err.message} Fix it or delete it.`);
    }
    throw new ModelLoadError('missing-file', `${path} cannot be read (${(err as Error).message}). Fix its permissions or delete it.`);
  }
}

/**
 * Reads the external data files `locations` (relative to `folder`, as the model names them) for
 * onnxruntime-web's externalData option. Refuses, before reading any, when the model and its data
 * together exceed MAX_WEIGHT_BYTES; a missing file is named.
 */
export async function readExternalData(
  folder: string,
  locations: readonly string[],
  modelFile: string,
  modelBytes: number,
): Promise<{ path: string; data: Uint8Array }[]> {
  if (locations.length === 0) return [];
  const sizes = await Promise.all(
    locations.map(async (location) => {
      try {
        const stats = await stat(join(folder, location));
        if (!stats.isFile()) throw new ModelLoadError('external-data', `The external data ${join(folder, location)} named by ${modelFile} is not a regular file.`);
        return stats.size;
      } catch (err) {
        if (err instanceof ModelLoadError) throw err;
        throw new ModelLoadError(
          'external-data',
          `${modelFile} keeps its weights in "${location}", but ${join(folder, location)} ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`}. ` +
            'Put the data file beside the model, with the name the model gives it.',
        );
      }
    }),
  );
  const total = modelBytes + sizes.reduce((a, b) => a + b, 0);
  if (total > MAX_WEIGHT_BYTES) {
    throw new ModelLoadError(
      'too-big',
      `${modelFile} and its external data hold ${size(total)} of weights, more than the ${size(MAX_WEIGHT_BYTES)} onnxruntime-web can load into its 4 GiB WebAssembly heap ` +
        'beside a run. Use a smaller model or a quantized (int8 / 4-bit) export.',
    );
  }
  const data: { path: string; data: Uint8Array }[] = [];
  for (const [i, location] of locations.entries()) {
    try {
      data.push({ path: location, data: await readBoundedFile(join(folder, location), sizes[i]!, 'external data') });
    } catch (err) {
      throw new ModelLoadError('external-data', `${modelFile}: its external data "${location}" cannot be read (${(err as Error).message}).`);
    }
  }
  return data;
}
