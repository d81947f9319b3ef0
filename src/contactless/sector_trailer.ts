/**
 * MIFARE Classic sector trailers: key A (bytes 0-5), the access bits with their inverted
 * copy (6-8), the user byte (9, "GPB" in the data sheet), key B (10-15).
 *
 * A trailer is written as it is: one with a wrong inverted copy, or with conditions that
 * freeze a key nobody knows, makes the sector unusable for ever. So `updateBinary` writes a
 * trailer only when it was built by {@link encodeSectorTrailer} and not changed since, and
 * the caller passes `{ sectorTrailer: true }`.
 *
 * @module
 */

import { checkBytes, checkInteger } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";
import {
  type AccessConditions,
  checkConditions,
  type DataBlockAccess,
  dataBlockAccess,
  decodeAccessBits,
  encodeAccessBits,
  type TrailerAccess,
  trailerAccess,
} from "./access_conditions.ts";

/** A sector trailer's content. */
export interface SectorTrailer {
  /** Key A, 6 bytes (a trailer read from a card has zeros here: key A is never readable). */
  readonly keyA: readonly number[];
  /** C1C2C3 for data groups 0, 1, 2 and the trailer. */
  readonly accessConditions: AccessConditions;
  /** Byte 9, free for the user (NXP's "general purpose byte"; 69 in the transport state). */
  readonly userByte: number;
  /** Key B, 6 bytes (or data, when the trailer's condition makes it readable). */
  readonly keyB: readonly number[];
}

/** What {@link encodeSectorTrailer} takes: a {@link SectorTrailer}, the user byte 69 unless given. */
export type SectorTrailerInit = Omit<SectorTrailer, "userByte"> & { readonly userByte?: number };

/** A trailer in words: what each group's condition allows. */
export interface SectorTrailerDescription {
  /** Data groups 0, 1 and 2 (blocks 0, 1, 2; in a 16-block sector blocks 0-4, 5-9, 10-14). */
  readonly dataBlocks: readonly [DataBlockAccess, DataBlockAccess, DataBlockAccess];
  /** The trailer itself. */
  readonly trailer: TrailerAccess;
}

/** The bytes of each trailer the encoder made, as it made them. */
const encoded = new WeakMap<Uint8Array, string>();

/**
 * The 16 bytes of a sector trailer, for `updateBinary(connection, block, bytes,
 * { sectorTrailer: true })`. Only an array made here, unchanged, is accepted there.
 * @throws TypeError or RangeError on keys that are not 6 bytes, conditions that are not four
 * numbers 0..7, or a user byte that is not a byte
 */
export function encodeSectorTrailer(trailer: SectorTrailerInit): Uint8Array {
  const { keyA, keyB, accessConditions, userByte = 0x69 } = trailer;
  checkKey(keyA, "keyA");
  checkKey(keyB, "keyB");
  checkConditions(accessConditions);
  checkInteger(userByte, "userByte", 0, 255);
  const bytes = Uint8Array.from([
    ...keyA,
    ...encodeAccessBits(accessConditions),
    userByte,
    ...keyB,
  ]);
  encoded.set(bytes, fingerprint(bytes));
  return bytes;
}

/**
 * A trailer's 16 bytes, decoded.
 * @throws TypeError or RangeError unless 16 bytes, and RangeError when the access bits'
 * inverted copy does not match (a card blocks such a sector for ever)
 */
export function decodeSectorTrailer(block: readonly number[] | Uint8Array): SectorTrailer {
  checkBytes(block, "sector trailer", 16);
  if (block.length !== 16) {
    throw new RangeError(`a sector trailer is 16 bytes, not ${block.length}`);
  }
  const bytes = Array.from(block);
  const accessConditions = decodeAccessBits(bytes.slice(6, 9));
  if (accessConditions === undefined) {
    throw new RangeError(
      `the access bits ${
        toHexString(Array.from(bytes.slice(6, 9)))
      } do not match their inverted copy: ` +
        "a card blocks a sector with such a trailer",
    );
  }
  return {
    keyA: bytes.slice(0, 6),
    accessConditions,
    userByte: bytes[9],
    keyB: bytes.slice(10, 16),
  };
}

/**
 * What each group of a sector may do under `conditions`, in words and key uses.
 * @throws TypeError or RangeError unless four numbers 0..7
 */
export function describeAccessConditions(conditions: AccessConditions): SectorTrailerDescription {
  checkConditions(conditions);
  return {
    dataBlocks: [
      dataBlockAccess(conditions[0]),
      dataBlockAccess(conditions[1]),
      dataBlockAccess(conditions[2]),
    ],
    trailer: trailerAccess(conditions[3]),
  };
}

/** Whether `bytes` is a trailer {@link encodeSectorTrailer} made, unchanged since. */
export function isEncodedSectorTrailer(bytes: unknown): boolean {
  return bytes instanceof Uint8Array && encoded.get(bytes) === fingerprint(bytes);
}

function checkKey(key: unknown, name: string): void {
  checkBytes(key, name, 6);
  if ((key as ArrayLike<number>).length !== 6) {
    throw new RangeError(`${name} must be 6 bytes, not ${(key as ArrayLike<number>).length}`);
  }
}

function fingerprint(bytes: Uint8Array): string {
  return toHexString(Array.from(bytes));
}
