/**
 * The state `status()` reports (`SmartCardConnectionState`), from SCardStatus's state and
 * active protocol.
 *
 * @module
 */

import type { PlatformConstants } from "../pcsc/platform_constants.ts";
import {
  SCARD_ABSENT,
  SCARD_NEGOTIABLE,
  SCARD_POWERED,
  SCARD_PRESENT,
  SCARD_SPECIFIC,
  SCARD_SWALLOWED,
} from "../pcsc/card_state.ts";
import { protocolOf } from "./enums.ts";

/** Where the card is in its life, as `status()` reports it. */
export type SmartCardConnectionState =
  | "absent"
  | "present"
  | "swallowed"
  | "powered"
  | "negotiable"
  | "t0"
  | "t1"
  | "raw";

/**
 * The state for SCardStatus's `state` and `protocol`, or undefined when none holds.
 *
 * The spec maps single values, as winscard gives them (the layer below turns its ordinal
 * into the same bit). pcsc-lite and macOS give a bit mask instead: a connected card is
 * present, powered and negotiable at once (0x34), and never "specific". So the mask gives
 * the most specific state that holds: specific with a protocol (t0, t1, raw), then
 * negotiable, powered, swallowed, present, absent.
 */
export function connectionState(
  state: number,
  protocol: number,
  constants: PlatformConstants,
): SmartCardConnectionState | undefined {
  if (state & SCARD_SPECIFIC) {
    const specific = protocolOf(protocol, constants);
    if (specific !== undefined) return specific;
  }
  if (state & SCARD_NEGOTIABLE) return "negotiable";
  if (state & SCARD_POWERED) return "powered";
  if (state & SCARD_SWALLOWED) return "swallowed";
  if (state & SCARD_PRESENT) return "present";
  if (state & SCARD_ABSENT) return "absent";
  return undefined;
}
