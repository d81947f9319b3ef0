/**
 * The API's enums and the PC/SC values they stand for: access modes, dispositions,
 * protocols.
 *
 * @module
 */

import type { PlatformConstants } from "../pcsc/platform_constants.ts";
import * as pcsc from "../pcsc/share_and_disposition.ts";
import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } from "../pcsc/protocols.ts";

/** How `connect` shares the card (`SmartCardAccessMode`). */
export type SmartCardAccessMode = "shared" | "exclusive" | "direct";
/** What happens to the card at a disconnect or the end of a transaction. */
export type SmartCardDisposition = "leave" | "reset" | "unpower" | "eject";
/** A card protocol (`SmartCardProtocol`). */
export type SmartCardProtocol = "raw" | "t0" | "t1";

/** Every {@link SmartCardAccessMode}. */
export const ACCESS_MODES: readonly SmartCardAccessMode[] = ["shared", "exclusive", "direct"];
/** Every {@link SmartCardDisposition}. */
export const DISPOSITIONS: readonly SmartCardDisposition[] = ["leave", "reset", "unpower", "eject"];
/** Every {@link SmartCardProtocol}. */
export const PROTOCOLS: readonly SmartCardProtocol[] = ["raw", "t0", "t1"];

/** SCARD_SHARE_* for an access mode. */
export function shareMode(mode: SmartCardAccessMode): number {
  return mode === "shared"
    ? pcsc.SCARD_SHARE_SHARED
    : mode === "exclusive"
    ? pcsc.SCARD_SHARE_EXCLUSIVE
    : pcsc.SCARD_SHARE_DIRECT;
}

/** SCARD_*_CARD for a disposition. */
export function dispositionCode(disposition: SmartCardDisposition): number {
  switch (disposition) {
    case "leave":
      return pcsc.SCARD_LEAVE_CARD;
    case "reset":
      return pcsc.SCARD_RESET_CARD;
    case "unpower":
      return pcsc.SCARD_UNPOWER_CARD;
    case "eject":
      return pcsc.SCARD_EJECT_CARD;
  }
}

/** SCARD_PROTOCOL_* for a protocol; RAW is the platform's value. */
export function protocolCode(protocol: SmartCardProtocol, constants: PlatformConstants): number {
  return protocol === "t0"
    ? SCARD_PROTOCOL_T0
    : protocol === "t1"
    ? SCARD_PROTOCOL_T1
    : constants.protocolRaw;
}

/** The protocol a PC/SC value is, when it is exactly one of T=0, T=1 and raw ("valid"). */
export function protocolOf(
  code: number,
  constants: PlatformConstants,
): SmartCardProtocol | undefined {
  return code === SCARD_PROTOCOL_T0
    ? "t0"
    : code === SCARD_PROTOCOL_T1
    ? "t1"
    : code === constants.protocolRaw
    ? "raw"
    : undefined;
}
