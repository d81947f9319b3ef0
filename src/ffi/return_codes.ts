/**
 * PC/SC return codes: names and messages, the same on every platform.
 *
 * The messages are pcsc-lite's (`pcsc_stringify_error`), kept here as data because
 * winscard.dll has no such function and macOS words some of them differently: an
 * error then reads the same wherever the module runs.
 *
 * @module
 */

/** One PC/SC return code with its C name and its human message. */
export interface ReturnCode {
  readonly code: number;
  readonly name: string;
  readonly message: string;
}

// [code, name, message]; Windows-only names are added by the ABI description.
const TABLE: readonly (readonly [number, string, string])[] = [
  [0x00000000, "SCARD_S_SUCCESS", "Command successful."],
  [0x80100001, "SCARD_F_INTERNAL_ERROR", "Internal error."],
  [0x80100002, "SCARD_E_CANCELLED", "Command cancelled."],
  [0x80100003, "SCARD_E_INVALID_HANDLE", "Invalid handle."],
  [0x80100004, "SCARD_E_INVALID_PARAMETER", "Invalid parameter given."],
  [0x80100005, "SCARD_E_INVALID_TARGET", "Invalid target given."],
  [0x80100006, "SCARD_E_NO_MEMORY", "Not enough memory."],
  [0x80100007, "SCARD_F_WAITED_TOO_LONG", "Waited too long."],
  [0x80100008, "SCARD_E_INSUFFICIENT_BUFFER", "Insufficient buffer."],
  [0x80100009, "SCARD_E_UNKNOWN_READER", "Unknown reader specified."],
  [0x8010000A, "SCARD_E_TIMEOUT", "Command timeout."],
  [0x8010000B, "SCARD_E_SHARING_VIOLATION", "Sharing violation."],
  [0x8010000C, "SCARD_E_NO_SMARTCARD", "No smart card inserted."],
  [0x8010000D, "SCARD_E_UNKNOWN_CARD", "Unknown card."],
  [0x8010000E, "SCARD_E_CANT_DISPOSE", "Cannot dispose handle."],
  [0x8010000F, "SCARD_E_PROTO_MISMATCH", "Card protocol mismatch."],
  [0x80100010, "SCARD_E_NOT_READY", "Subsystem not ready."],
  [0x80100011, "SCARD_E_INVALID_VALUE", "Invalid value given."],
  [0x80100012, "SCARD_E_SYSTEM_CANCELLED", "System cancelled."],
  [0x80100013, "SCARD_F_COMM_ERROR", "RPC transport error."],
  [0x80100014, "SCARD_F_UNKNOWN_ERROR", "Unknown error."],
  [0x80100015, "SCARD_E_INVALID_ATR", "Invalid ATR."],
  [0x80100016, "SCARD_E_NOT_TRANSACTED", "Transaction failed."],
  [0x80100017, "SCARD_E_READER_UNAVAILABLE", "Reader is unavailable."],
  [0x80100018, "SCARD_P_SHUTDOWN", "Operation aborted because the PC/SC service is shutting down."],
  [0x80100019, "SCARD_E_PCI_TOO_SMALL", "PCI struct too small."],
  [0x8010001A, "SCARD_E_READER_UNSUPPORTED", "Reader is unsupported."],
  [0x8010001B, "SCARD_E_DUPLICATE_READER", "Reader already exists."],
  [0x8010001C, "SCARD_E_CARD_UNSUPPORTED", "Card is unsupported."],
  [0x8010001D, "SCARD_E_NO_SERVICE", "Service not available."],
  [0x8010001E, "SCARD_E_SERVICE_STOPPED", "Service was stopped."],
  [0x8010001F, "SCARD_E_UNSUPPORTED_FEATURE", "Feature not supported."],
  [0x80100020, "SCARD_E_ICC_INSTALLATION", "No primary provider for the card."],
  [0x80100021, "SCARD_E_ICC_CREATEORDER", "Requested order of object creation is not supported."],
  [0x80100023, "SCARD_E_DIR_NOT_FOUND", "Directory not found on the card."],
  [0x80100024, "SCARD_E_FILE_NOT_FOUND", "File not found on the card."],
  [0x80100025, "SCARD_E_NO_DIR", "Path is not a directory."],
  [0x80100026, "SCARD_E_NO_FILE", "Path is not a file."],
  [0x80100027, "SCARD_E_NO_ACCESS", "Access to the file is denied."],
  [0x80100028, "SCARD_E_WRITE_TOO_MANY", "The card is full."],
  [0x80100029, "SCARD_E_BAD_SEEK", "Error setting the file pointer."],
  [0x8010002A, "SCARD_E_INVALID_CHV", "The PIN is incorrect."],
  [0x8010002B, "SCARD_E_UNKNOWN_RES_MNG", "Unknown resource manager error."],
  [0x8010002C, "SCARD_E_NO_SUCH_CERTIFICATE", "The certificate does not exist."],
  [0x8010002D, "SCARD_E_CERTIFICATE_UNAVAILABLE", "The certificate cannot be obtained."],
  [0x8010002E, "SCARD_E_NO_READERS_AVAILABLE", "Cannot find a smart card reader."],
  [0x8010002F, "SCARD_E_COMM_DATA_LOST", "Communication data lost."],
  [0x80100030, "SCARD_E_NO_KEY_CONTAINER", "The key container does not exist."],
  [0x80100031, "SCARD_E_SERVER_TOO_BUSY", "The PC/SC service is too busy."],
  [0x80100065, "SCARD_W_UNSUPPORTED_CARD", "Card is not supported."],
  [0x80100066, "SCARD_W_UNRESPONSIVE_CARD", "Card is unresponsive."],
  [0x80100067, "SCARD_W_UNPOWERED_CARD", "Card is unpowered."],
  [0x80100068, "SCARD_W_RESET_CARD", "Card was reset."],
  [0x80100069, "SCARD_W_REMOVED_CARD", "Card was removed."],
  [0x8010006A, "SCARD_W_SECURITY_VIOLATION", "Access denied."],
  [0x8010006B, "SCARD_W_WRONG_CHV", "The PIN is incorrect."],
  [0x8010006C, "SCARD_W_CHV_BLOCKED", "The PIN is blocked."],
  [0x8010006D, "SCARD_W_EOF", "End of the card file reached."],
  [0x8010006E, "SCARD_W_CANCELLED_BY_USER", "Cancelled by the user."],
  [0x8010006F, "SCARD_W_CARD_NOT_AUTHENTICATED", "No PIN was presented to the card."],
];

/** Return codes whose meaning differs on Windows (see the ABI description). */
export const WINDOWS_RETURN_CODES: readonly ReturnCode[] = [
  { code: 0x8010001F, name: "SCARD_E_UNEXPECTED", message: "Unexpected card error." },
  { code: 0x80100022, name: "SCARD_E_UNSUPPORTED_FEATURE", message: "Feature not supported." },
];

/** The table of return codes shared by pcsc-lite, macOS and Windows. */
export const RETURN_CODES: ReadonlyMap<number, ReturnCode> = new Map(
  TABLE.map(([code, name, message]) => [code, { code, name, message }]),
);

/**
 * Turns a LONG as a native call returned it into the unsigned 32-bit code.
 *
 * A 4-byte LONG read as signed comes back negative, and an 8-byte one as a bigint.
 */
export function normaliseReturnCode(rv: number | bigint): number {
  return Number(BigInt.asUintN(32, BigInt(rv)));
}

/** `0x8010000B` style: eight upper-case hex digits. */
export function formatReturnCode(code: number): string {
  return "0x" + (code >>> 0).toString(16).toUpperCase().padStart(8, "0");
}
