/**
 * A reader's state as the layers above read it: dwEventState decoded once, here, into flags
 * with names, the event count and the ATR, so that no consumer tests SCARD_STATE_* bits.
 *
 * @module
 */

/** SCARD_READERSTATE dwCurrentState / dwEventState bits, equal everywhere. */
export const SCARD_STATE_UNAWARE = 0x0000;
/** SCARD_STATE_IGNORE. */
export const SCARD_STATE_IGNORE = 0x0001;
/** SCARD_STATE_CHANGED. */
export const SCARD_STATE_CHANGED = 0x0002;
/** SCARD_STATE_UNKNOWN. */
export const SCARD_STATE_UNKNOWN = 0x0004;
/** SCARD_STATE_UNAVAILABLE. */
export const SCARD_STATE_UNAVAILABLE = 0x0008;
/** SCARD_STATE_EMPTY. */
export const SCARD_STATE_EMPTY = 0x0010;
/** SCARD_STATE_PRESENT. */
export const SCARD_STATE_PRESENT = 0x0020;
/** SCARD_STATE_ATRMATCH. */
export const SCARD_STATE_ATRMATCH = 0x0040;
/** SCARD_STATE_EXCLUSIVE. */
export const SCARD_STATE_EXCLUSIVE = 0x0080;
/** SCARD_STATE_INUSE. */
export const SCARD_STATE_INUSE = 0x0100;
/** SCARD_STATE_MUTE. */
export const SCARD_STATE_MUTE = 0x0200;
/** SCARD_STATE_UNPOWERED. */
export const SCARD_STATE_UNPOWERED = 0x0400;

/** What SCardGetStatusChange said of one reader. */
export interface ReaderState {
  /** A card is in (it may still be mute). */
  readonly present: boolean;
  /** No card is in. */
  readonly empty: boolean;
  /** The card in does not answer. */
  readonly mute: boolean;
  /** The card is held exclusively by another application. */
  readonly exclusive: boolean;
  /** The card is in use by other applications, in shared mode. */
  readonly inUse: boolean;
  /** The reader is not available. */
  readonly unavailable: boolean;
  /** The card is not powered. */
  readonly unpowered: boolean;
  /** The service does not know the reader's name. */
  readonly unknown: boolean;
  /** The caller asked for the reader to be ignored. */
  readonly ignored: boolean;
  /** The state differs from the one handed in. */
  readonly changed: boolean;
  /** The service's count of insertions and removals in the reader (16 bits, wrapping). */
  readonly eventCount: number;
  /** The card's ATR; empty when there is none. */
  readonly atr: readonly number[];
}

/** Decodes a dwEventState (flags, event count in the high 16 bits) and the ATR beside it. */
export function decodeReaderState(eventState: number, atr: readonly number[]): ReaderState {
  const has = (bit: number) => (eventState & bit) !== 0;
  return {
    present: has(SCARD_STATE_PRESENT),
    empty: has(SCARD_STATE_EMPTY),
    mute: has(SCARD_STATE_MUTE),
    exclusive: has(SCARD_STATE_EXCLUSIVE),
    inUse: has(SCARD_STATE_INUSE),
    unavailable: has(SCARD_STATE_UNAVAILABLE),
    unpowered: has(SCARD_STATE_UNPOWERED),
    unknown: has(SCARD_STATE_UNKNOWN),
    ignored: has(SCARD_STATE_IGNORE),
    changed: has(SCARD_STATE_CHANGED),
    eventCount: (eventState >>> 16) & 0xFFFF,
    atr,
  };
}
