/**
 * The exception a failed PC/SC call rejects with ("a corresponding exception", in the spec's
 * words), and the same for whatever else the layers below throw.
 *
 * @module
 */

import { CardHandleRefusal } from "../pcsc/card_handle.ts";
import {
  describeReturnCode,
  PcscLibraryError,
  type PlatformConstants,
  SCARD_E_INVALID_HANDLE,
  SCARD_E_INVALID_PARAMETER,
  SCARD_E_NO_SERVICE,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_NOT_READY,
  SCARD_E_NOT_TRANSACTED,
  SCARD_E_PROTO_MISMATCH,
  SCARD_E_READER_UNAVAILABLE,
  SCARD_E_SERVER_TOO_BUSY,
  SCARD_E_SERVICE_STOPPED,
  SCARD_E_SHARING_VIOLATION,
  SCARD_E_SYSTEM_CANCELLED,
  SCARD_E_TIMEOUT,
  SCARD_E_UNKNOWN_READER,
  SCARD_P_SHUTDOWN,
  SCARD_W_REMOVED_CARD,
  SCARD_W_RESET_CARD,
  SCARD_W_UNPOWERED_CARD,
  SCARD_W_UNRESPONSIVE_CARD,
  SCARD_W_UNSUPPORTED_CARD,
} from "../pcsc/constants.ts";
import { PcscError } from "../pcsc/context.ts";
import { SmartCardError, type SmartCardResponseCode } from "./smart_card_error.ts";

// The codes the enum names, except "unsupported-feature", whose value is the platform's.
const NAMED: ReadonlyMap<number, SmartCardResponseCode> = new Map([
  [SCARD_E_NO_SERVICE, "no-service"],
  [SCARD_E_NO_SMARTCARD, "no-smartcard"],
  [SCARD_E_NOT_READY, "not-ready"],
  [SCARD_E_NOT_TRANSACTED, "not-transacted"],
  [SCARD_E_PROTO_MISMATCH, "proto-mismatch"],
  [SCARD_E_READER_UNAVAILABLE, "reader-unavailable"],
  [SCARD_W_REMOVED_CARD, "removed-card"],
  [SCARD_W_RESET_CARD, "reset-card"],
  [SCARD_E_SERVER_TOO_BUSY, "server-too-busy"],
  [SCARD_E_SHARING_VIOLATION, "sharing-violation"],
  [SCARD_E_SYSTEM_CANCELLED, "system-cancelled"],
  [SCARD_E_UNKNOWN_READER, "unknown-reader"],
  [SCARD_W_UNPOWERED_CARD, "unpowered-card"],
  [SCARD_W_UNRESPONSIVE_CARD, "unresponsive-card"],
  [SCARD_W_UNSUPPORTED_CARD, "unsupported-card"],
]);

/**
 * The spec's mapping of a return code: a `SmartCardError` for the codes the enum names, a
 * `TypeError` for SCARD_E_INVALID_PARAMETER, "InvalidStateError" for an invalid handle or a
 * stopped service, "AbortError" for SCARD_P_SHUTDOWN, "UnknownError" for the rest, except
 * SCARD_E_TIMEOUT, which is a "TimeoutError" (as Chrome has it; see the README).
 */
export function correspondingException(
  code: number,
  constants: PlatformConstants,
  call?: string,
  cause?: unknown,
): Error {
  const message = `${call ? `${call}: ` : ""}${describeReturnCode(code)}`;
  const responseCode = code === constants.unsupportedFeature
    ? "unsupported-feature"
    : NAMED.get(code);
  if (responseCode !== undefined) {
    return withCause(new SmartCardError(message, { responseCode }), cause);
  }
  if (code === SCARD_E_INVALID_PARAMETER) return new TypeError(message, { cause });
  const name = code === SCARD_E_INVALID_HANDLE || code === SCARD_E_SERVICE_STOPPED
    ? "InvalidStateError"
    : code === SCARD_P_SHUTDOWN
    ? "AbortError"
    : code === SCARD_E_TIMEOUT
    ? "TimeoutError"
    : "UnknownError";
  return domException(message, name, cause);
}

/**
 * What a method rejects with for whatever the layers below threw: a `PcscError` by its code;
 * a call the card handle refused (released under it) as "InvalidStateError"; a PC/SC library
 * that cannot be opened as "SecurityError" where FFI is not permitted (the browser's answer
 * to a page the feature is not allowed to), else as "no-service". Errors of the API's own
 * kinds pass unchanged.
 */
export function asWebError(error: unknown, constants: PlatformConstants): unknown {
  if (error instanceof PcscError) {
    return correspondingException(error.code, constants, error.call, error);
  }
  if (error instanceof CardHandleRefusal) {
    return domException(`The connection is ${error.reason}`, "InvalidStateError", error);
  }
  if (error instanceof PcscLibraryError) {
    if (error.cause instanceof Deno.errors.NotCapable) {
      return domException(error.message, "SecurityError", error);
    }
    return withCause(new SmartCardError(error.message, { responseCode: "no-service" }), error);
  }
  return error;
}

/** An "InvalidStateError" DOMException. */
export function invalidState(message: string): DOMException {
  return new DOMException(message, "InvalidStateError");
}

/** A DOMException of `name`, with what caused it kept as its `cause`. */
export function domException(message: string, name: string, cause?: unknown): DOMException {
  return withCause(new DOMException(message, name), cause);
}

// SmartCardError's constructor is the spec's (message, { responseCode }), and DOMException's
// typings know no options: the cause, kept for whoever debugs, is set beside them.
function withCause<E extends Error>(error: E, cause: unknown): E {
  if (cause !== undefined) {
    Object.defineProperty(error, "cause", {
      value: cause,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  return error;
}
