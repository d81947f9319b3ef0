/**
 * The PC/SC constants and return codes the layers above name, with this platform's values:
 * what they need of `src/ffi/`, and no more.
 *
 * @module
 */

import type { NativePcsc } from "../ffi/native.ts";

export {
  MAX_APDU_SIZE,
  SCARD_ATTR,
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_PROTOCOL_ANY,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_PROTOCOL_T15,
  SCARD_PROTOCOL_UNDEFINED,
  SCARD_RESET_CARD,
  SCARD_SCOPE_SYSTEM,
  SCARD_SCOPE_USER,
  SCARD_SHARE_DIRECT,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "../ffi/constants.ts";
export {
  SCARD_ABSENT,
  SCARD_NEGOTIABLE,
  SCARD_POWERED,
  SCARD_PRESENT,
  SCARD_SPECIFIC,
  SCARD_STATE_CHANGED,
  SCARD_STATE_EMPTY,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_IGNORE,
  SCARD_STATE_INUSE,
  SCARD_STATE_MUTE,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNAVAILABLE,
  SCARD_STATE_UNAWARE,
  SCARD_STATE_UNKNOWN,
  SCARD_STATE_UNPOWERED,
  SCARD_SWALLOWED,
} from "../ffi/constants.ts";
export {
  SCARD_E_CANCELLED,
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
} from "../ffi/error_codes.ts";
export { describeReturnCode } from "../ffi/abi.ts";
export { PcscLibraryError } from "../ffi/library.ts";

/**
 * The constants whose value is the platform's, for the platform `native` plays: the layers
 * above take them from the PC/SC they were handed, never from the machine they run on.
 */
export interface PlatformConstants {
  /** SCARD_PROTOCOL_RAW (4 on pcsc-lite and macOS, 0x10000 on Windows) */
  readonly protocolRaw: number;
  /** SCARD_E_UNSUPPORTED_FEATURE (0x80100022 on Windows, 0x8010001F elsewhere) */
  readonly unsupportedFeature: number;
  /** SCARD_CTL_CODE(code) */
  readonly ctlCode: (code: number) => number;
}

/** {@link PlatformConstants} of `native`: the system's, or those a scripted PC/SC plays. */
export function platformConstants(native: NativePcsc): PlatformConstants {
  const abi = native.abi;
  return {
    protocolRaw: abi.protocolRaw,
    unsupportedFeature: abi.unsupportedFeature,
    ctlCode: (code) => abi.ctlCode(code),
  };
}
