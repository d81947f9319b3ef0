/**
 * What each status word PC/SC Part 3 defines means for each pseudo-APDU (Part 3 rev. 2.02,
 * section 3.2.2.1; the same words and meanings appear in Part 3-conformant reader manuals,
 * e.g. Identiv's SCL3711/SDI011). Readers of the ACS family answer 63 00 for nearly every
 * failure, so 63 00 says so.
 *
 * @module
 */

/** The pseudo-APDUs of PC/SC Part 3 that this module sends. */
export type Part3Operation =
  | "GET DATA"
  | "LOAD KEYS"
  | "GENERAL AUTHENTICATE"
  | "AUTHENTICATE"
  | "READ BINARY"
  | "UPDATE BINARY";

const COMMON: Readonly<Record<number, string>> = {
  0x6300: "the operation failed, no further information (ACS readers answer this to most " +
    "failures: a wrong key, a locked page, a card that left the field)",
  0x6581: "memory failure: the card could not store the data",
  0x6700: "wrong length",
  0x6800: "the class byte is not supported",
  0x6981: "the command is incompatible with this card or its memory structure",
  0x6982: "security status not satisfied: not authenticated, or the access conditions " +
    "forbid it with the key used",
  0x6986: "command not allowed",
  0x6a81: "function not supported by the reader or card",
  0x6a82: "the addressed block or byte does not exist",
  0x6b00: "wrong parameters P1-P2",
  0x6d00: "instruction not supported by the reader",
  0x6e00: "class FF not supported: the reader does not implement PC/SC Part 3 pseudo-APDUs",
};

const BY_OPERATION: Readonly<Record<Part3Operation, Readonly<Record<number, string>>>> = {
  "GET DATA": {
    0x6282: "end of data reached before Le bytes (Le is longer than the data)",
    0x6a81: "function not supported (this card has no such data, e.g. no ATS: not ISO 14443-4 " +
      "type A)",
  },
  "LOAD KEYS": {
    0x6982: "card key not supported",
    0x6983: "reader key not supported",
    0x6984: "plain transmission not supported",
    0x6985: "secured transmission not supported",
    0x6986: "volatile memory is not available (this reader keeps keys in non-volatile slots)",
    0x6987: "non-volatile memory is not available (this reader has volatile key slots only)",
    0x6988: "key number not valid for this reader",
    0x6989: "key length is not correct",
  },
  "GENERAL AUTHENTICATE": {
    0x6300: "authentication failed (a wrong key, or the key slot holds another key)",
    0x6581: "memory failure (addressed block not authenticable)",
    0x6982: "security status not satisfied",
    0x6983: "authentication cannot be done (the sector is blocked, or the method is)",
    0x6984: "reference key not usable (the key slot is empty)",
    0x6986: "key type not known",
    0x6988: "key number not valid",
  },
  "AUTHENTICATE": {
    0x6300: "authentication failed (a wrong key, or the key slot holds another key)",
    0x6983: "authentication cannot be done",
    0x6984: "reference key not usable (the key slot is empty)",
    0x6986: "key type not known",
    0x6988: "key number not valid",
  },
  "READ BINARY": {
    0x6281: "part of the returned data may be corrupted",
    0x6282: "end of memory reached before Le bytes were read",
  },
  "UPDATE BINARY": {
    0x6282: "end of memory reached before all Lc bytes were written",
    0x6300: "the write failed, no further information (a locked or read-only page or block, " +
      "a wrong length for this card, or a card that left the field)",
  },
};

/** What `sw` means for `operation`, in words; a 6C xx names the length the reader wants. */
export function statusMeaning(operation: Part3Operation, sw: number): string {
  if ((sw & 0xff00) === 0x6c00) {
    return `wrong length: the reader wants Le = ${sw & 0xff} (0x${hex(sw & 0xff)})`;
  }
  return BY_OPERATION[operation][sw] ?? COMMON[sw] ??
    `a status word PC/SC Part 3 does not define for ${operation}`;
}

/** Two hex digits, upper case. */
export function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
