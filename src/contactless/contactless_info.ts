/**
 * What the ATR a PC/SC Part 3 reader builds for a contactless card says (Part 3, section
 * 3.1.3.2.3): a storage card's standard and name, or an ISO 14443-4 card's historical bytes.
 *
 * @module
 */

import { checkBytes } from "../smartcard/bytes.ts";

/** The PC/SC Workgroup's registered application provider identifier. */
export const PCSC_RID: readonly number[] = Object.freeze([0xa0, 0x00, 0x00, 0x03, 0x06]);

/** A code from a Part 3 table, with its name when the table has one. */
export interface Part3Code {
  /** The code: the standard byte SS, or the card name NN NN as one number. */
  readonly code: number;
  /** Its name in Part 3's table; undefined for a code the table does not give. */
  readonly name: string | undefined;
}

/** A storage card (MIFARE Classic, Ultralight, ISO 15693 tags, FeliCa...). */
export interface StorageCardInfo {
  /** `3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK`. */
  readonly kind: "storage";
  /** The RID of the application identifier: A0 00 00 03 06, the PC/SC Workgroup's. */
  readonly rid: readonly number[];
  /** SS: the standard the card follows. */
  readonly standard: Part3Code;
  /** NN NN: the card's name. */
  readonly card: Part3Code;
}

/** An ISO 14443-4 card (T=CL): a smart card with a contactless interface. */
export interface Iso14443_4Info {
  /** `3B 8n 80 01 T1..Tn TCK`. */
  readonly kind: "iso14443-4";
  /** The historical bytes: for type A the ATS's, for type B as below. */
  readonly historicalBytes: readonly number[];
  /**
   * The historical bytes read as a type B card's (8 of them: the ATQB's application data,
   * its protocol info, and the ATTRIB's MBLI in the high nibble). The ATR cannot tell a
   * type B card from a type A card whose ATS has 8 historical bytes: this is only there
   * when there are 8, and is what they would mean for type B.
   */
  readonly typeB: TypeBInfo | undefined;
}

/** A type B card's data in its ATR's historical bytes. */
export interface TypeBInfo {
  /** The ATQB's application data (4 bytes). */
  readonly applicationData: readonly number[];
  /** The ATQB's protocol info (3 bytes). */
  readonly protocolInfo: readonly number[];
  /** The ATTRIB response's MBLI (maximum buffer length index). */
  readonly mbli: number;
}

/** What {@link contactlessInfo} finds in an ATR. */
export type ContactlessInfo = StorageCardInfo | Iso14443_4Info;

/** Names for Part 3's codes, given by whoever holds the tables. */
export interface Part3Names {
  /** The name of standard byte `code`, if known. */
  standard(code: number): string | undefined;
  /** The name of card name `code` (NN NN as one number), if known. */
  card(code: number): string | undefined;
}

const NO_NAMES: Part3Names = { standard: () => undefined, card: () => undefined };

/**
 * Decodes `atr` when it is one of the two forms a Part 3 reader builds, with a TCK that
 * checks; null for anything else (a contact card, a reader's own form).
 * @throws TypeError or RangeError when `atr` is not bytes
 */
export function parseContactlessAtr(
  atr: readonly number[] | Uint8Array,
  names: Part3Names = NO_NAMES,
): ContactlessInfo | null {
  checkBytes(atr, "atr", 33);
  const bytes = Array.from(atr);
  // TS, T0 (Y1 = 8: TD1 only), TD1 = 80 (T=0 then TD2), TD2 = 01 (T=1)
  if (bytes.length < 5 || bytes[0] !== 0x3b || (bytes[1] & 0xf0) !== 0x80) return null;
  if (bytes[2] !== 0x80 || bytes[3] !== 0x01) return null;
  const k = bytes[1] & 0x0f;
  if (bytes.length !== 4 + k + 1) return null;
  if (bytes.slice(1).reduce((x, b) => x ^ b, 0) !== 0) return null;
  const historical = bytes.slice(4, 4 + k);
  if (
    k === 15 && historical[0] === 0x80 && historical[1] === 0x4f && historical[2] === 0x0c &&
    PCSC_RID.every((b, i) => historical[3 + i] === b)
  ) {
    const ss = historical[8];
    const nn = (historical[9] << 8) | historical[10];
    return {
      kind: "storage",
      rid: PCSC_RID,
      standard: { code: ss, name: names.standard(ss) },
      card: { code: nn, name: names.card(nn) },
    };
  }
  return {
    kind: "iso14443-4",
    historicalBytes: Object.freeze(historical),
    typeB: k === 8
      ? {
        applicationData: historical.slice(0, 4),
        protocolInfo: historical.slice(4, 7),
        mbli: historical[7] >> 4,
      }
      : undefined,
  };
}
