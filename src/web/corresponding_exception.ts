/**
 * The exception a failed PC/SC call rejects with ("a corresponding exception", in the spec's
 * words), and the same for whatever else the layers below throw.
 *
 * @module
 */

import { CardHandleRefusal } from "../pcsc/card_handle.ts";
import * as failure from "../pcsc/pcsc_error.ts";
import type { PlatformConstants } from "../pcsc/platform_constants.ts";
import { SmartCardError, type SmartCardResponseCode } from "./smart_card_error.ts";

// The codes the enum names, except "unsupported-feature", whose value is the platform's.
const NAMED: ReadonlyMap<number, SmartCardResponseCode> = new Map([
  [failure.SCARD_E_NO_SERVICE, "no-service"],
  [failure.SCARD_E_NO_SMARTCARD, "no-smartcard"],
  [failure.SCARD_E_NOT_READY, "not-ready"],
  [failure.SCARD_E_NOT_TRANSACTED, "not-transacted"],
  [failure.SCARD_E_PROTO_MISMATCH, "proto-mismatch"],
  [failure.SCARD_E_READER_UNAVAILABLE, "reader-unavailable"],
  [failure.SCARD_W_REMOVED_CARD, "removed-card"],
  [failure.SCARD_W_RESET_CARD, "reset-card"],
  [failure.SCARD_E_SERVER_TOO_BUSY, "server-too-busy"],
  [failure.SCARD_E_SHARING_VIOLATION, "sharing-violation"],
  [failure.SCARD_E_SYSTEM_CANCELLED, "system-cancelled"],
  [failure.SCARD_E_UNKNOWN_READER, "unknown-reader"],
  [failure.SCARD_W_UNPOWERED_CARD, "unpowered-card"],
  [failure.SCARD_W_UNRESPONSIVE_CARD, "unresponsive-card"],
  [failure.SCARD_W_UNSUPPORTED_CARD, "unsupported-card"],
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
  const message = `${call ? `${call}: ` : ""}${failure.describeReturnCode(code)}`;
  const responseCode = code === constants.unsupportedFeature
    ? "unsupported-feature"
    : NAMED.get(code);
  if (responseCode !== undefined) {
    return withCause(new SmartCardError(message, { responseCode }), cause);
  }
  if (code === failure.SCARD_E_INVALID_PARAMETER) return new TypeError(message, { cause });
  const name = code === failure.SCARD_E_INVALID_HANDLE || code === failure.SCARD_E_SERVICE_STOPPED
    ? "InvalidStateError"
    : code === failure.SCARD_P_SHUTDOWN
    ? "AbortError"
    : code === failure.SCARD_E_TIMEOUT
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
  if (error instanceof failure.PcscError) {
    return correspondingException(error.code, constants, error.call, error);
  }
  if (error instanceof CardHandleRefusal) {
    return domException(`The connection is ${error.reason}`, "InvalidStateError", error);
  }
  if (error instanceof failure.PcscLibraryError) {
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
