/**
 * The reader states of `getStatusChange`: the dictionaries, and their PC/SC form (the
 * SCARD_STATE_* flags, with the event count in the high 16 bits).
 *
 * @module
 */

import {
  SCARD_STATE_EMPTY,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_IGNORE,
  SCARD_STATE_INUSE,
  SCARD_STATE_MUTE,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNAVAILABLE,
  SCARD_STATE_UNAWARE,
  SCARD_STATE_UNPOWERED,
} from "../pcsc/reader_state.ts";
import type { ReaderState } from "../pcsc/reader_state.ts";
import type { StatusChangeIn, StatusChangeOut } from "../pcsc/status_change.ts";
import { required, toBoolean, toDictionary, toDOMString, toUnsignedLong } from "./webidl.ts";

/** What the caller believes a reader's state is; every flag defaults to false. */
export interface SmartCardReaderStateFlagsIn {
  /** The state is not known: report it. */
  unaware?: boolean;
  /** Leave this reader out of the wait. */
  ignore?: boolean;
  /** The reader is believed unavailable. */
  unavailable?: boolean;
  /** No card is believed to be in. */
  empty?: boolean;
  /** A card is believed to be in. */
  present?: boolean;
  /** The card is believed held exclusively by another application. */
  exclusive?: boolean;
  /** The card is believed in use by other applications, in shared mode. */
  inuse?: boolean;
  /** The card is believed unresponsive. */
  mute?: boolean;
  /** The card is believed unpowered. */
  unpowered?: boolean;
}

/** A reader's state as the service reports it. */
export interface SmartCardReaderStateFlagsOut {
  /** The caller asked for this reader to be ignored. */
  ignore: boolean;
  /** The state differs from the one handed in. */
  changed: boolean;
  /** The reader is not available. */
  unavailable: boolean;
  /** The reader name is not known. */
  unknown: boolean;
  /** No card is in. */
  empty: boolean;
  /** A card is in. */
  present: boolean;
  /** The card is held exclusively by another application. */
  exclusive: boolean;
  /** The card is in use by other applications, in shared mode. */
  inuse: boolean;
  /** The card is unresponsive. */
  mute: boolean;
  /** The card is not powered. */
  unpowered: boolean;
}

/** One reader handed to `getStatusChange`. */
export interface SmartCardReaderStateIn {
  /** The reader's name, as `listReaders` gives it. */
  readerName: string;
  /** What the caller believes its state is. */
  currentState: SmartCardReaderStateFlagsIn;
  /** The number of card insertions and removals the caller knows of (the high word). */
  currentCount?: number;
}

/** One reader as `getStatusChange` reports it. */
export interface SmartCardReaderStateOut {
  /** The reader's name, as handed in. */
  readerName: string;
  /** Its state now. */
  eventState: SmartCardReaderStateFlagsOut;
  /** The number of card insertions and removals the service counted (the high word). */
  eventCount: number;
  /** The card's ATR, when a card is in. */
  answerToReset?: ArrayBuffer;
}

// [flag, SCARD_STATE_*], in the lexicographic order WebIDL reads dictionary members in
const FLAGS_IN: readonly (readonly [keyof SmartCardReaderStateFlagsIn, number])[] = [
  ["empty", SCARD_STATE_EMPTY],
  ["exclusive", SCARD_STATE_EXCLUSIVE],
  ["ignore", SCARD_STATE_IGNORE],
  ["inuse", SCARD_STATE_INUSE],
  ["mute", SCARD_STATE_MUTE],
  ["present", SCARD_STATE_PRESENT],
  ["unavailable", SCARD_STATE_UNAVAILABLE],
  ["unaware", SCARD_STATE_UNAWARE],
  ["unpowered", SCARD_STATE_UNPOWERED],
];

/** The DWORD of a `SmartCardReaderStateFlagsIn` (already a dictionary). */
export function flagsInCode(flags: Record<string, unknown>): number {
  let code = 0;
  for (const [name, bit] of FLAGS_IN) if (toBoolean(flags[name])) code |= bit;
  return code;
}

/** The `SmartCardReaderStateFlagsOut` of a reader's state, in the specification's order. */
export function flagsOut(state: ReaderState): SmartCardReaderStateFlagsOut {
  return {
    ignore: state.ignored,
    changed: state.changed,
    unavailable: state.unavailable,
    unknown: state.unknown,
    empty: state.empty,
    present: state.present,
    exclusive: state.exclusive,
    inuse: state.inUse,
    mute: state.mute,
    unpowered: state.unpowered,
  };
}

/**
 * A `SmartCardReaderStateIn`, converted as WebIDL would, in its PC/SC form: the flags, and
 * `currentCount` (when given) in the high 16 bits. The count is taken modulo 2^16: that is
 * all the word holds.
 */
export function toReaderStateIn(value: unknown, what: string): StatusChangeIn {
  const state = toDictionary(value, what);
  const count = state.currentCount === undefined
    ? undefined
    : toUnsignedLong(state.currentCount, `${what}.currentCount`);
  const flags = toDictionary(
    required(state, "currentState", what),
    `${what}.currentState`,
  );
  const currentState = flagsInCode(flags);
  const reader = toDOMString(required(state, "readerName", what), `${what}.readerName`);
  const word = count === undefined
    ? currentState
    : ((currentState & 0xFFFF) | ((count & 0xFFFF) << 16)) >>> 0;
  return { reader, currentState: word };
}

/** A `SmartCardReaderStateOut` of what the service handed back. */
export function toReaderStateOut(state: StatusChangeOut): SmartCardReaderStateOut {
  const out: SmartCardReaderStateOut = {
    readerName: state.reader,
    eventState: flagsOut(state),
    eventCount: state.eventCount,
  };
  if (state.atr.length > 0) out.answerToReset = new Uint8Array(state.atr).buffer;
  return out;
}
