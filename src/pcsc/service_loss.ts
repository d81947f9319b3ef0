/**
 * The PC/SC service going away and coming back, as a watch sees it: which failures mean it
 * (or the context) is gone, and what a listener is told.
 *
 * @module
 */

import {
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_F_COMM_ERROR,
  SCARD_W_SECURITY_VIOLATION,
} from "../ffi/error_codes.ts";
import { PcscError } from "../ffi/pcsc_error.ts";

// A restarted pcscd fails every call of an old context with one of these; a new context works
// once the service is back (on Windows, once a reader brings the service back).
const SERVICE_GONE = new Set([
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_F_COMM_ERROR,
  SCARD_E_INVALID_HANDLE,
]);

// A restarted pcscd does not know the contexts of the one before: a call on one may also say
// SCARD_W_SECURITY_VIOLATION (pcsc-lite 1.9) while the new daemon starts. Only for a context
// already established: from SCardEstablishContext the same code is polkit's refusal.
const CONTEXT_GONE = new Set([...SERVICE_GONE, SCARD_W_SECURITY_VIOLATION]);

/** Whether `error` says the service is gone (stopped, restarting, unreachable). */
export function serviceGone(error: unknown): error is PcscError {
  return error instanceof PcscError && SERVICE_GONE.has(error.code);
}

/** Whether `error`, from a call on an established context, says that context is dead. */
export function contextGone(error: unknown): error is PcscError {
  return error instanceof PcscError && CONTEXT_GONE.has(error.code);
}

/**
 * What a listener is told of the service: lost (false) and back (true), never twice the same
 * in a row, and "back" only after a loss (the first contact is no news).
 */
export class ServiceNotices {
  // what was last told: null before the service was first lost or reached
  #available: boolean | null = null;

  /**
   * Creates a `ServiceNotices`.
   * @param listener told of each change
   */
  constructor(readonly listener?: (available: boolean) => void) {}

  /** The service was found gone (false) or reached (true). */
  tell(available: boolean): void {
    const news = this.#available !== available && !(available && this.#available === null);
    this.#available = available;
    if (news) this.listener?.(available);
  }
}
