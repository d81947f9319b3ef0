/**
 * How a connection shares its card (SCardConnect, SCardReconnect) and what it leaves the card
 * in when it lets go (SCardDisconnect, SCardReconnect, SCardEndTransaction): the same values
 * on every platform.
 *
 * @module
 */

/** Share modes for SCardConnect and SCardReconnect: SCARD_SHARE_EXCLUSIVE. */
export const SCARD_SHARE_EXCLUSIVE = 0x0001;
/** SCARD_SHARE_SHARED. */
export const SCARD_SHARE_SHARED = 0x0002;
/** SCARD_SHARE_DIRECT: the reader, with or without a card. */
export const SCARD_SHARE_DIRECT = 0x0003;

/** Dispositions for SCardDisconnect, SCardReconnect and SCardEndTransaction: SCARD_LEAVE_CARD. */
export const SCARD_LEAVE_CARD = 0x0000;
/** SCARD_RESET_CARD. */
export const SCARD_RESET_CARD = 0x0001;
/** SCARD_UNPOWER_CARD. */
export const SCARD_UNPOWER_CARD = 0x0002;
/** SCARD_EJECT_CARD. */
export const SCARD_EJECT_CARD = 0x0003;
