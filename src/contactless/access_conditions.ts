/**
 * MIFARE Classic access conditions (NXP MF1S50yyX/V1 data sheet, section 8.7): for each of
 * a sector's four groups (three of data blocks, then the trailer) three bits C1 C2 C3,
 * written here as one number `C1 << 2 | C2 << 1 | C3` (0b001 is "C1=0 C2=0 C3=1"). The
 * trailer stores them in bytes 6 to 8 together with their inverted copy.
 *
 * @module
 */

import { checkBytes, checkInteger } from "../smartcard/bytes.ts";

/** Which key an operation needs: `"never"`, key `"A"`, key `"B"`, or either (`"A|B"`). */
export type KeyUse = "never" | "A" | "B" | "A|B";

/** The access conditions of a sector: C1C2C3 for data groups 0, 1, 2, then the trailer. */
export type AccessConditions = readonly [number, number, number, number];

/** The transport configuration: data blocks 000, trailer 001 (bytes `FF 07 80`). */
export const TRANSPORT_ACCESS_CONDITIONS: AccessConditions = Object.freeze([
  0,
  0,
  0,
  1,
]) as AccessConditions;

/** What a data block's access condition allows (data sheet table 8). */
export interface DataBlockAccess {
  /** C1C2C3 as a number 0..7. */
  readonly bits: number;
  /** Reading the block. */
  readonly read: KeyUse;
  /** Writing the block. */
  readonly write: KeyUse;
  /** INCREMENT of a value block. */
  readonly increment: KeyUse;
  /** DECREMENT, TRANSFER and RESTORE of a value block. */
  readonly decrementTransferRestore: KeyUse;
  /** The condition in words. */
  readonly description: string;
}

/** What a sector trailer's access condition allows (data sheet table 7). */
export interface TrailerAccess {
  /** C1C2C3 as a number 0..7. */
  readonly bits: number;
  /** Reading key A: never, whatever the condition (it reads as zeros). */
  readonly keyARead: KeyUse;
  /** Writing key A. */
  readonly keyAWrite: KeyUse;
  /** Reading the access bits (and the user byte). */
  readonly accessBitsRead: KeyUse;
  /** Writing the access bits (and the user byte). */
  readonly accessBitsWrite: KeyUse;
  /** Reading key B. */
  readonly keyBRead: KeyUse;
  /** Writing key B. */
  readonly keyBWrite: KeyUse;
  /**
   * Whether key B can be read: then it is data, not a key, and an authentication with key B
   * grants no access at all (data sheet, note to table 7).
   */
  readonly keyBReadable: boolean;
  /** The condition in words. */
  readonly description: string;
}

type Row4 = readonly [KeyUse, KeyUse, KeyUse, KeyUse, string];
type Row6 = readonly [KeyUse, KeyUse, KeyUse, KeyUse, KeyUse, string];

/** Data sheet table 8, indexed by C1C2C3. */
const DATA_BLOCK: readonly Row4[] = [
  /* 000 */ [
    "A|B",
    "A|B",
    "A|B",
    "A|B",
    "read, write, increment and decrement with key A or B (transport configuration)",
  ],
  /* 001 */ [
    "A|B",
    "never",
    "never",
    "A|B",
    "read and decrement with key A or B, never written or incremented (a value block that cannot be recharged)",
  ],
  /* 010 */ ["A|B", "never", "never", "never", "read with key A or B, never written (read-only)"],
  /* 011 */ ["B", "B", "never", "never", "read and written with key B only"],
  /* 100 */ ["A|B", "B", "never", "never", "read with key A or B, written with key B"],
  /* 101 */ ["B", "never", "never", "never", "read with key B only, never written"],
  /* 110 */ [
    "A|B",
    "B",
    "B",
    "A|B",
    "read and decrement with key A or B, written and incremented with key B (a rechargeable value block)",
  ],
  // 111 reads as 110 in NXP's table: both forbid every write
  /* 111 */ ["never", "never", "never", "never", "no access at all"],
];

/** Data sheet table 7, indexed by C1C2C3: key A write, access read, access write, key B read, key B write. */
// Access bits 110 and 111 of a trailer: nothing can be written, ever.
const READ_ONLY_TRAILER: Row6 = [
  "never",
  "A|B",
  "never",
  "never",
  "never",
  "nothing can be written; access bits read with key A or B",
];

const TRAILER: readonly Row6[] = [
  /* 000 */ [
    "A",
    "A",
    "never",
    "A",
    "A",
    "key A and key B written with key A; access bits read with key A, never written; key B readable",
  ],
  /* 001 */ [
    "A",
    "A",
    "A",
    "A",
    "A",
    "key A, access bits and key B read (but key A) and written with key A (transport configuration); key B readable",
  ],
  /* 010 */ [
    "never",
    "A",
    "never",
    "A",
    "never",
    "nothing can be written; access bits and key B read with key A; key B readable",
  ],
  /* 011 */ [
    "B",
    "A|B",
    "B",
    "never",
    "B",
    "key A, access bits and key B written with key B; access bits read with key A or B",
  ],
  /* 100 */ [
    "B",
    "A|B",
    "never",
    "never",
    "B",
    "keys A and B written with key B; access bits read with key A or B, never written",
  ],
  /* 101 */ [
    "never",
    "A|B",
    "B",
    "never",
    "never",
    "only the access bits can be written, with key B; access bits read with key A or B",
  ],
  /* 110 */ READ_ONLY_TRAILER,
  // 111 reads as 110 in NXP's table: both forbid every write
  /* 111 */ READ_ONLY_TRAILER,
];

/**
 * What data-block condition `bits` (C1C2C3, 0..7) allows.
 * @throws RangeError for a number outside 0..7
 */
export function dataBlockAccess(bits: number): DataBlockAccess {
  checkInteger(bits, "access condition C1C2C3", 0, 7);
  const [read, write, increment, decrementTransferRestore, description] = DATA_BLOCK[bits];
  return { bits, read, write, increment, decrementTransferRestore, description };
}

/**
 * What trailer condition `bits` (C1C2C3, 0..7) allows.
 * @throws RangeError for a number outside 0..7
 */
export function trailerAccess(bits: number): TrailerAccess {
  checkInteger(bits, "access condition C1C2C3", 0, 7);
  const [keyAWrite, accessBitsRead, accessBitsWrite, keyBRead, keyBWrite, description] =
    TRAILER[bits];
  return {
    bits,
    keyARead: "never",
    keyAWrite,
    accessBitsRead,
    accessBitsWrite,
    keyBRead,
    keyBWrite,
    keyBReadable: keyBRead !== "never",
    description,
  };
}

/**
 * Bytes 6, 7 and 8 of a sector trailer for `conditions`: each bit stored inverted, then as
 * it is (byte 6: ¬C2 ¬C1, byte 7: C1 ¬C3, byte 8: C3 C2; the high nibble for groups 3..0).
 * @throws TypeError or RangeError unless four conditions of 0..7
 */
export function encodeAccessBits(conditions: AccessConditions): [number, number, number] {
  checkConditions(conditions);
  let c1 = 0, c2 = 0, c3 = 0;
  for (let group = 0; group < 4; group++) {
    const bits = conditions[group];
    c1 |= ((bits >> 2) & 1) << group;
    c2 |= ((bits >> 1) & 1) << group;
    c3 |= (bits & 1) << group;
  }
  return [((~c2 & 0xf) << 4) | (~c1 & 0xf), (c1 << 4) | (~c3 & 0xf), (c3 << 4) | c2];
}

/**
 * The conditions stored in trailer bytes 6, 7 and 8, or undefined when the inverted copy
 * does not match: the card then blocks the sector for ever.
 * @throws TypeError or RangeError unless three bytes
 */
export function decodeAccessBits(
  bytes: readonly number[] | Uint8Array,
): AccessConditions | undefined {
  checkBytes(bytes, "access bits", 3);
  if (bytes.length !== 3) throw new RangeError(`access bits are 3 bytes, not ${bytes.length}`);
  const [b6, b7, b8] = bytes;
  const c1 = b7 >> 4, c2 = b8 & 0xf, c3 = b8 >> 4;
  if ((~b6 & 0xf) !== c1 || ((~b6 >> 4) & 0xf) !== c2 || (~b7 & 0xf) !== c3) return undefined;
  const conditions = [0, 1, 2, 3].map((group) =>
    (((c1 >> group) & 1) << 2) | (((c2 >> group) & 1) << 1) | ((c3 >> group) & 1)
  );
  return Object.freeze(conditions) as unknown as AccessConditions;
}

/** Checks four conditions of 0..7. */
export function checkConditions(conditions: unknown): asserts conditions is AccessConditions {
  if (!Array.isArray(conditions) || conditions.length !== 4) {
    throw new TypeError(
      "access conditions must be four numbers C1C2C3 (0..7): data groups 0, 1, 2, then the trailer",
    );
  }
  conditions.forEach((bits, group) =>
    checkInteger(bits, `access condition of group ${group}`, 0, 7)
  );
}
