/**
 * The one way untrusted data is read: small readers that return the value when it is well formed
 * and undefined otherwise. The per-message parsers (parsers.ts) and the panel's state restore
 * (webview/panelState.ts) are built from them, so a message field and a restored setting are
 * checked the same way.
 */

/** Reads one field: the value when it is well formed, else undefined. */
export type Reader<T> = (value: unknown) => T | undefined;

/** Largest index (token, layer, head, request or run id) a message may carry. */
export const MAX_INDEX = 1 << 24;

/** A non-negative integer below MAX_INDEX. */
export const index: Reader<number> = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_INDEX ? value : undefined;

/** A non-negative integer below 2^31 (tensor dimensions, WebGPU request ids). */
export const count: Reader<number> = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 2 ** 31 ? value : undefined;

/** A finite number. */
export const finite: Reader<number> = (value) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

/** A finite number >= 0 (durations in ms). */
export const duration: Reader<number> = (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined);

export const bool: Reader<boolean> = (value) => (typeof value === 'boolean' ? value : undefined);

/** A string, cut to `max` UTF-16 units. */
export function text(max: number): Reader<string> {
  return (value) => (typeof value === 'string' ? value.slice(0, max) : undefined);
}

/** A finite number in [min, max]. */
export function between(min: number, max: number): Reader<number> {
  return (value) => (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max ? value : undefined);
}

/** One of a fixed set of values. */
export function oneOf<const T extends string | number>(options: readonly T[]): Reader<T> {
  return (value) => (options.includes(value as T) ? (value as T) : undefined);
}

/** The first reader that accepts the value. */
export function either<A, B>(a: Reader<A>, b: Reader<B>): Reader<A | B> {
  return (value) => a(value) ?? b(value);
}

/** A plain object's fields, or undefined for anything else (arrays included). */
export function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

type Shape = Record<string, Reader<unknown>>;
type Read<S extends Shape> = { [K in keyof S]: S[K] extends Reader<infer T> ? T : never };

/**
 * An object with exactly the fields of `shape`, each read by its reader; undefined when any is
 * malformed. Fields not in `shape` are dropped, so nothing unchecked is passed on.
 */
export function fields<S extends Shape>(shape: S): Reader<Read<S>> {
  return (value) => {
    const raw = record(value);
    if (!raw) return undefined;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(shape)) {
      const read = shape[key](raw[key]);
      if (read === undefined) return undefined;
      out[key] = read;
    }
    return out as Read<S>;
  };
}

/** An array of at most `max` elements, each read by `item`; undefined when any is malformed. */
export function list<T>(item: Reader<T>, max: number): Reader<T[]> {
  return (value) => {
    if (!Array.isArray(value) || value.length > max) return undefined;
    const out: T[] = [];
    for (const element of value) {
      const read = item(element);
      if (read === undefined) return undefined;
      out.push(read);
    }
    return out;
  };
}
