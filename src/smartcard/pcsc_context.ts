/**
 * A PC/SC context with one owner, released exactly once.
 *
 * @module
 */

import { type ContextHandle, establishContext, PcscError, releaseContext } from "../ffi/pcsc.ts";
import { SCARD_SCOPE_USER } from "../ffi/constants.ts";
import { SmartcardException } from "./exceptions.ts";

/** The class of error a failed establishment is reported as. */
export type ExceptionClass = new (
  message: string,
  hresult: number,
  options?: ErrorOptions,
) => SmartcardException;

/**
 * Owns one SCARDCONTEXT. pcsc-lite serialises the calls of a context, so whatever may wait
 * (a connection, a card request) has a context of its own.
 */
export class PcscContext implements Disposable {
  #handle: ContextHandle | null;

  private constructor(handle: ContextHandle) {
    this.#handle = handle;
  }

  /** SCardEstablishContext(SCARD_SCOPE_USER); a failure is thrown as `Kind`. */
  static establish(Kind: ExceptionClass = SmartcardException): PcscContext {
    try {
      return new PcscContext(establishContext(SCARD_SCOPE_USER));
    } catch (error) {
      throw asSmartcardError(error, "Failed to establish context", Kind);
    }
  }

  /** The native handle; throws once released. */
  get handle(): ContextHandle {
    if (this.#handle === null) throw new SmartcardException("PC/SC context already released");
    return this.#handle;
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#handle === null;
  }

  /**
   * SCardReleaseContext, once. A context the service already dropped (pcscd restarted)
   * fails to release; there is nothing left to free then, so that is not reported.
   */
  release(): void {
    const handle = this.#handle;
    if (handle === null) return;
    this.#handle = null;
    try {
      releaseContext(handle);
    } catch (error) {
      if (!(error instanceof PcscError)) throw error;
    }
  }

  /** Same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

/**
 * Turns a failed PC/SC call into a `Kind` with the return code as hresult, keeping the
 * original as `cause` and appending what the platform says that code means there (see
 * `PcscError.hint`); anything else (a programming error, a missing library) is left as is.
 */
export function asSmartcardError(
  error: unknown,
  message: string,
  Kind: ExceptionClass,
): unknown {
  if (!(error instanceof PcscError)) return error;
  const converted = new Kind(message, error.code, { cause: error });
  if (error.hint !== null) converted.message += ` ${error.hint}`;
  return converted;
}
