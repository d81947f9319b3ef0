/**
 * The PC/SC constants and return codes the layers above name, with this platform's values:
 * what they need of `src/ffi/`, and no more.
 *
 * @module
 */

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
  SCARD_E_NO_SERVICE,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_SERVICE_STOPPED,
  SCARD_W_REMOVED_CARD,
} from "../ffi/error_codes.ts";
export { describeReturnCode } from "../ffi/abi.ts";
export { ctlCode, SCARD_PROTOCOL_RAW, SERVICE_STOPS_WITHOUT_READERS } from "../ffi/pcsc.ts";
