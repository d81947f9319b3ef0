/**
 * The checks every waiting API of the framework makes on its options, before it contacts
 * anything: `CardRequest`, `watchCards` and `watchReaders` word them alike.
 *
 * @module
 */

import { Reader } from "../readers/reader.ts";

/** Throws a `TypeError` unless `options` is an object whose `signal`, if any, is an AbortSignal. */
export function checkOptions(options: unknown): asserts options is { signal?: AbortSignal } {
  if (options === null || typeof options !== "object") {
    throw new TypeError("options must be an object");
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
}

/**
 * The reader names of a `readers` option (Reader objects or names), or null when it is left
 * out (every reader, later ones too). Each Reader given is handed to `given`.
 */
export function readerFilter(
  readers: unknown,
  given: (reader: Reader) => void = () => {},
): string[] | null {
  if (readers === undefined || readers === null) return null;
  if (!Array.isArray(readers)) throw new TypeError("readers must be an array of Reader or names");
  return readers.map((r, i) => {
    if (r instanceof Reader) {
      given(r);
      return r.name;
    }
    if (typeof r === "string" && r.length > 0 && !r.includes("\0")) return r;
    throw new TypeError(`readers[${i}] must be a Reader or a reader name`);
  });
}
