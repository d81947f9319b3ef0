/**
 * The card's state as SCardStatus reports it: bits on every platform (the native layer turns
 * Windows' ordinal into the same bit).
 *
 * @module
 */

/** SCARD_UNKNOWN. */
export const SCARD_UNKNOWN = 0x0001;
/** SCARD_ABSENT: no card in the reader. */
export const SCARD_ABSENT = 0x0002;
/** SCARD_PRESENT: a card is in, not yet in position. */
export const SCARD_PRESENT = 0x0004;
/** SCARD_SWALLOWED: in position, not powered. */
export const SCARD_SWALLOWED = 0x0008;
/** SCARD_POWERED: powered, not reset. */
export const SCARD_POWERED = 0x0010;
/** SCARD_NEGOTIABLE: reset, awaiting a protocol. */
export const SCARD_NEGOTIABLE = 0x0020;
/** SCARD_SPECIFIC: a protocol is in use. */
export const SCARD_SPECIFIC = 0x0040;
