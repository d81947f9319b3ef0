/**
 * pyscard's protocol values, defined and checked here once, and their PC/SC counterparts.
 *
 * @module
 */

import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1, SCARD_PROTOCOL_T15 } from "../../pcsc/protocols.ts";
import { checkInteger } from "../bytes.ts";

/** T=0 (SCARD_PROTOCOL_T0). */
export const T0 = 0x1;
/** T=1 (SCARD_PROTOCOL_T1). */
export const T1 = 0x2;
/** T=15 (SCARD_PROTOCOL_T15). */
export const T15 = 0x8;
/** Raw: pyscard's value, the same on every platform (Windows' SCARD_PROTOCOL_RAW differs). */
export const RAW = 0x10000;
const ALL = T0 | T1 | T15 | RAW;

/** Checks a mask of protocols, as `connect` and `setProtocol` take. */
export function checkProtocolMask(protocol: unknown, name: string): void {
  checkInteger(protocol, name, 1, ALL);
  if (((protocol as number) & ~ALL) !== 0) {
    throw new RangeError(
      `${name} must combine T0_protocol (1), T1_protocol (2), T15_protocol (8) and ` +
        `RAW_protocol (0x10000), not 0x${(protocol as number).toString(16)}`,
    );
  }
}

/** Whether `protocol` is one a transmit can go by: T=0, T=1 or raw. */
export function isTransmitProtocol(protocol: unknown): protocol is number {
  return protocol === T0 || protocol === T1 || protocol === RAW;
}

/** `"T0"`, `"T1"` or `"RAW"`. */
export function protocolName(protocol: number): string {
  return protocol === T0 ? "T0" : protocol === T1 ? "T1" : protocol === RAW ? "RAW" : "T15";
}

/**
 * A pyscard protocol mask as the platform's SCARD_PROTOCOL_* mask; `raw` is the platform's
 * SCARD_PROTOCOL_RAW.
 */
export function toPcscMask(protocol: number, raw: number): number {
  return (protocol & T0 ? SCARD_PROTOCOL_T0 : 0) | (protocol & T1 ? SCARD_PROTOCOL_T1 : 0) |
    (protocol & T15 ? SCARD_PROTOCOL_T15 : 0) | (protocol & RAW ? raw : 0);
}

/** The platform's active protocol as pyscard's value (0 when none was negotiated). */
export function fromPcscProtocol(active: number, raw: number): number {
  return (active & SCARD_PROTOCOL_T0 ? T0 : 0) | (active & SCARD_PROTOCOL_T1 ? T1 : 0) |
    (active & SCARD_PROTOCOL_T15 ? T15 : 0) | (active & raw ? RAW : 0);
}
