/**
 * The PC/SC constants pyscard's `smartcard.scard` gives a script: share modes, dispositions,
 * protocols, attribute identifiers and `SCARD_CTL_CODE`, with this platform's values.
 *
 * @module
 */

import { platformConstants } from "../pcsc/platform_constants.ts";
import { SYSTEM_PCSC } from "../pcsc/native_pcsc.ts";
import { checkInteger } from "./bytes.ts";

export { SCARD_ATTR } from "../pcsc/attributes.ts";
export {
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_RESET_CARD,
  SCARD_SHARE_DIRECT,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "../pcsc/share_and_disposition.ts";
export {
  SCARD_PROTOCOL_ANY,
  SCARD_PROTOCOL_T0,
  SCARD_PROTOCOL_T1,
  SCARD_PROTOCOL_T15,
  SCARD_PROTOCOL_UNDEFINED,
} from "../pcsc/protocols.ts";
export { SCARD_SCOPE_SYSTEM, SCARD_SCOPE_USER } from "../pcsc/context.ts";

// pyscard's `smartcard.scard` names the values of the machine the script runs on
const SYSTEM = platformConstants(SYSTEM_PCSC);

/** SCARD_PROTOCOL_RAW on this platform (4 on pcsc-lite and macOS, 0x10000 on Windows). */
export const SCARD_PROTOCOL_RAW: number = SYSTEM.protocolRaw;

/**
 * SCARD_CTL_CODE(code): the control code of a reader function, as this platform spells it.
 *
 * @example
 * ```ts
 * import { SCARD_CTL_CODE } from "@pcsc/smartcard";
 * const CM_IOCTL_GET_FEATURE_REQUEST = SCARD_CTL_CODE(3400);
 * ```
 */
export function SCARD_CTL_CODE(code: number): number {
  return SYSTEM.ctlCode(checkInteger(code, "code", 0, 0xFFFF));
}
