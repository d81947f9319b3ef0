/**
 * The errors of NDEF tag access, as `DOMException`s with Web NFC's names, so that `readNdef` and
 * `writeNdef` fail the way `NDEFReader` does.
 *
 * @module
 */

/** How far a write came before it failed. */
export interface WriteProgress {
  /** Units (Type 2 pages, Type 4 UPDATE BINARY commands) written and acknowledged. */
  readonly written: number;
  /** Units the write would have taken. */
  readonly total: number;
  /**
   * What the tag holds now: "unchanged" (nothing was written), "empty" (its NDEF length is 0:
   * an empty message), or "unknown" (the last step, writing the length, failed: the old
   * length, 0 or the new one).
   */
  readonly tagHolds: "unchanged" | "empty" | "unknown";
}

/**
 * A tag operation that failed. `name` is Web NFC's: "NotSupportedError" (no NDEF on the tag, a
 * tag of a kind not supported, a message larger than the tag), "NotAllowedError" (the tag is
 * read-only), "NotReadableError" (the tag's NDEF data are broken), "NetworkError" (the
 * exchange with the tag failed; `progress` says how far a write came).
 */
export class NdefTagError extends DOMException {
  /** For a write that failed on the way, how far it came. */
  readonly progress: WriteProgress | undefined;

  /**
   * Creates an `NdefTagError`.
   * @param message what happened, one sentence
   * @param name the `DOMException` name
   * @param options the cause, and a write's progress
   */
  constructor(
    message: string,
    name: "NotSupportedError" | "NotAllowedError" | "NotReadableError" | "NetworkError",
    options: { cause?: unknown; progress?: WriteProgress } = {},
  ) {
    super(message, name);
    this.progress = options.progress;
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", {
        value: options.cause,
        configurable: true,
        writable: true,
      });
    }
  }
}

/** The sentence for a write's progress. */
export function describeProgress(p: WriteProgress, unit: string): string {
  const holds = p.tagHolds === "unchanged"
    ? "the tag is unchanged"
    : p.tagHolds === "empty"
    ? "the tag now holds an empty NDEF message"
    : "the tag's NDEF length may be the old one, 0 or the new one";
  return `${p.written} of ${p.total} ${unit} written; ${holds}`;
}
