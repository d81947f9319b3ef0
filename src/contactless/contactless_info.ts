/**
 * What the ATR a PC/SC Part 3 reader builds for a contactless card says (Part 3, section
 * 3.1.3.2.3): a storage card's standard and name, or an ISO 14443-4 card's historical bytes.
 *
 * @module
 */

import { PART3_STANDARDS, part3CardName, PCSC_RID } from "../../mod.ts";
import { checkBytes } from "../smartcard/bytes.ts";

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

/**
 * What the ATR a PC/SC Part 3 reader builds says about the contactless card:
 *
 * - `3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK`, a storage card: the RID,
 *   the standard SS and the card name NN NN, named from Part 3's tables (`PART3_STANDARDS`,
 *   `PART3_CARD_NAMES` of the main module: the revision whose card names end at 00 3D,
 *   MIFARE Ultralight EV1);
 * - `3B 8n 80 01 T1..Tn TCK`, an ISO 14443-4 card (T=CL): its historical bytes;
 * - anything else, or either form with a TCK that does not check: null.
 *
 * ```ts
 * contactlessInfo([0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06,
 *   0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a]);
 * // { kind: "storage", standard: { code: 3, name: "ISO 14443 A, part 3" },
 * //   card: { code: 1, name: "Mifare Standard 1K" }, ... }
 * ```
 * @throws TypeError or RangeError when `atr` is not bytes (at most 33)
 */
export function contactlessInfo(atr: readonly number[] | Uint8Array): ContactlessInfo | null {
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
      standard: { code: ss, name: PART3_STANDARDS.get(ss) },
      card: { code: nn, name: part3CardName(nn) ?? undefined },
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
