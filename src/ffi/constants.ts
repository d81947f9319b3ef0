/**
 * The SCARD_* constants this layer itself needs, the same on every platform.
 *
 * The ones that differ (SCARD_PROTOCOL_RAW, SCARD_CTL_CODE) live in the ABI description; those
 * only the layers above read (share modes, dispositions, protocols, states, attributes) are
 * the PC/SC layer's (`src/pcsc/`): this layer passes them through unread.
 *
 * @module
 */

/** dwTimeout meaning "no time-out". */
export const INFINITE = 0xFFFFFFFF;

/** The pseudo-reader whose state changes when readers are plugged in or out. */
export const PNP_NOTIFICATION = "\\\\?PnP?\\Notification";

/** Largest ATR, in bytes. */
export const MAX_ATR_SIZE = 33;

/**
 * Largest response buffer: an extended-length response (65,536 data bytes and SW1 SW2) with
 * pcsc-lite's margin for a T=1 prologue; MAX_BUFFER_SIZE_EXTENDED in pcsc-lite.
 */
export const MAX_BUFFER_SIZE_EXTENDED = 4 + 3 + (1 << 16) + 3 + 2;
