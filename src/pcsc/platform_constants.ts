/**
 * The constants whose value is the platform's, taken from the PC/SC the layers above were
 * handed, never from the machine they run on.
 *
 * @module
 */

import type { NativePcsc } from "../ffi/native.ts";

/** The platform's values, for the platform `native` plays. */
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
