/**
 * A reader's state as the layers above read it: dwEventState decoded once, here, into flags
 * with names, the event count and the ATR, so that no consumer tests SCARD_STATE_* bits.
 *
 * @module
 */

import {
  SCARD_STATE_CHANGED,
  SCARD_STATE_EMPTY,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_IGNORE,
  SCARD_STATE_INUSE,
  SCARD_STATE_MUTE,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNAVAILABLE,
  SCARD_STATE_UNKNOWN,
  SCARD_STATE_UNPOWERED,
} from "../ffi/constants.ts";

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
