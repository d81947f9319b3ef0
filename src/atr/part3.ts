/**
 * PC/SC Part 3's tables for the ATRs that contactless readers build, and a parser of the
 * storage-card form.
 *
 * A PC/SC reader that finds a storage card (MIFARE Classic, Ultralight, ...) in its field builds
 * an ATR for it:
 *
 * ```text
 * 3B 8F 80 01 80 4F 0C A0 00 00 03 06 SS NN NN 00 00 00 00 TCK
 * ```
 *
 * The historical bytes start with category `80`, then the COMPACT-TLV application identifier
 * `4F 0C`: the PC/SC workgroup's RID `A0 00 00 03 06`, the standard byte SS, the card name
 * NN NN and four RFU bytes. TCK is present because TD2 indicates T=1.
 *
 * Source: "Interoperability Specification for ICCs and Personal Computer Systems, Part 3.
 * Supplemental Document for Contactless ICCs" (pcscworkgroup.com), the revision whose card-name
 * table ends at `00 3D` (MIFARE Ultralight EV1) and whose standard table ends at `11` (FeliCa):
 * the newest table the reader manuals and vendor SDKs quote alike. The workgroup's PDF itself
 * could not be reached from here; a card name outside the table is reported as unknown, never
 * guessed.
 *
 * Exports (a stable API: the contactless module builds on it):
 * - {@linkcode PCSC_RID}: the PC/SC workgroup's registered application provider identifier.
 * - {@linkcode PART3_STANDARDS}: standard byte SS → its name.
 * - {@linkcode PART3_CARD_NAMES}: card name NN NN (as one 16-bit number) → its name.
 * - {@linkcode part3StandardName} and {@linkcode part3CardName}: look-ups that say what an
 *   unlisted value is.
 * - {@linkcode parseStorageCardAtr}: the storage-card form taken apart, or null for any other
 *   ATR; {@linkcode Part3StorageCard} is its result.
 *
 * @example
 * ```ts
 * import { parseStorageCardAtr, toBytes } from "@pcsc/smartcard";
 *
 * const card = parseStorageCardAtr(toBytes("3B8F8001804F0CA000000306030001000000006A"));
 * card?.cardNameText; // "Mifare Standard 1K"
 * card?.standardName; // "ISO 14443 A, part 3"
 * ```
 *
 * @module
 */

import { ATR } from "./atr.ts";
import { type Bytes, toByteList } from "../smartcard/bytes.ts";
import { SmartcardException } from "../smartcard/errors/exceptions.ts";

/** The PC/SC workgroup's RID, `A0 00 00 03 06`, that opens the AID of a Part 3 ATR. */
export const PCSC_RID: readonly number[] = Object.freeze([0xa0, 0x00, 0x00, 0x03, 0x06]);

/**
 * Part 3's standard byte SS: which standard, and which part of it, the card answered under.
 * Values not listed are RFU.
 */
export const PART3_STANDARDS: ReadonlyMap<number, string> = new Map([
  [0x00, "No information given"],
  [0x01, "ISO 14443 A, part 1"],
  [0x02, "ISO 14443 A, part 2"],
  [0x03, "ISO 14443 A, part 3"],
  [0x05, "ISO 14443 B, part 1"],
  [0x06, "ISO 14443 B, part 2"],
  [0x07, "ISO 14443 B, part 3"],
  [0x09, "ISO 15693, part 1"],
  [0x0a, "ISO 15693, part 2"],
  [0x0b, "ISO 15693, part 3"],
  [0x0c, "ISO 15693, part 4"],
  [0x0d, "Contact (7816-10) I2C"],
  [0x0e, "Contact (7816-10) Extended I2C"],
  [0x0f, "Contact (7816-10) 2WBP"],
  [0x10, "Contact (7816-10) 3WBP"],
  [0x11, "FeliCa"],
]);

/**
 * Part 3's card names NN NN, keyed by the two bytes as one number (`0x0001` for `00 01`), spelt
 * as the specification spells them ("Mifare Standard 1K" is what NXP now sells as MIFARE Classic
 * 1K). Values not listed are unknown to the table.
 */
export const PART3_CARD_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0000, "No information given"],
  [0x0001, "Mifare Standard 1K"],
  [0x0002, "Mifare Standard 4K"],
  [0x0003, "Mifare Ultra light"],
  [0x0004, "SLE55R_XXXX"],
  [0x0006, "SR176"],
  [0x0007, "SRI X4K"],
  [0x0008, "AT88RF020"],
  [0x0009, "AT88SC0204CRF"],
  [0x000a, "AT88SC0808CRF"],
  [0x000b, "AT88SC1616CRF"],
  [0x000c, "AT88SC3216CRF"],
  [0x000d, "AT88SC6416CRF"],
  [0x000e, "SRF55V10P"],
  [0x000f, "SRF55V02P"],
  [0x0010, "SRF55V10S"],
  [0x0011, "SRF55V02S"],
  [0x0012, "TAG_IT"],
  [0x0013, "LRI512"],
  [0x0014, "ICODESLI"],
  [0x0015, "TEMPSENS"],
  [0x0016, "I.CODE1"],
  [0x0017, "PicoPass 2K"],
  [0x0018, "PicoPass 2KS"],
  [0x0019, "PicoPass 16K"],
  [0x001a, "PicoPass 16Ks"],
  [0x001b, "PicoPass 16K(8x2)"],
  [0x001c, "PicoPass 16KS(8x2)"],
  [0x001d, "PicoPass 32KS(16+16)"],
  [0x001e, "PicoPass 32KS(16+8x2)"],
  [0x001f, "PicoPass 32KS(8x2+16)"],
  [0x0020, "PicoPass 32KS(8x2+8x2)"],
  [0x0021, "LRI64"],
  [0x0022, "I.CODE UID"],
  [0x0023, "I.CODE EPC"],
  [0x0024, "LRI12"],
  [0x0025, "LRI128"],
  [0x0026, "Mifare Mini"],
  [0x0027, "my-d move (SLE 66R01P)"],
  [0x0028, "my-d NFC (SLE 66RxxP)"],
  [0x0029, "my-d proximity 2 (SLE 66RxxS)"],
  [0x002a, "my-d proximity enhanced (SLE 55RxxE)"],
  [0x002b, "my-d light (SRF 55V01P)"],
  [0x002c, "PJM Stack Tag (SRF 66V10ST)"],
  [0x002d, "PJM Item Tag (SRF 66V10IT)"],
  [0x002e, "PJM Light (SRF 66V01ST)"],
  [0x002f, "Jewel Tag"],
  [0x0030, "Topaz NFC Tag"],
  [0x0031, "AT88SC0104CRF"],
  [0x0032, "AT88SC0404CRF"],
  [0x0033, "AT88RF01C"],
  [0x0034, "AT88RF04C"],
  [0x0035, "i-Code SL2"],
  [0x0036, "MIFARE Plus SL1_2K"],
  [0x0037, "MIFARE Plus SL1_4K"],
  [0x0038, "MIFARE Plus SL2_2K"],
  [0x0039, "MIFARE Plus SL2_4K"],
  [0x003a, "MIFARE Ultralight C"],
  [0x003b, "FeliCa"],
  [0x003c, "Melexis Sensor Tag (MLX90129)"],
  [0x003d, "MIFARE Ultralight EV1"],
]);

/** The name of standard byte `ss`, or `"RFU (0xSS)"` for a value Part 3 reserves. */
export function part3StandardName(ss: number): string {
  return PART3_STANDARDS.get(ss) ?? `RFU (0x${hex2(ss)})`;
}

/** The name of card name `nn` (`0x0001` for `00 01`), or null when Part 3 lists none. */
export function part3CardName(nn: number): string | null {
  return PART3_CARD_NAMES.get(nn) ?? null;
}

/** A storage-card ATR of PC/SC Part 3, taken apart. */
export interface Part3StorageCard {
  /** The standard byte SS. */
  readonly standard: number;
  /** SS's name from {@linkcode PART3_STANDARDS}, or `"RFU (0xSS)"`. */
  readonly standardName: string;
  /** The card name NN NN as one number (`0x0001` for `00 01`). */
  readonly cardName: number;
  /** NN NN's name from {@linkcode PART3_CARD_NAMES}, or null when Part 3 lists none. */
  readonly cardNameText: string | null;
  /** The bytes after NN NN in the AID (four RFU bytes, `00 00 00 00` in every reader seen). */
  readonly rfu: readonly number[];
  /** Whether TCK is present and checks (the ATR is still parsed when it does not). */
  readonly checksumOK: boolean;
}

/**
 * Takes apart the ATR a PC/SC reader builds for a contactless storage card: historical bytes
 * `80 4F LL A0 00 00 03 06 SS NN NN ...` with LL at least 8. Returns null for any other ATR
 * (a contact card, an ISO 14443-4 card's ATR, bytes that are not an ATR at all), so it can be
 * tried on every ATR.
 *
 * @param atr the ATR's bytes, TS first
 * @throws TypeError/RangeError when `atr` is not a byte sequence
 */
export function parseStorageCardAtr(atr: Bytes): Part3StorageCard | null {
  const bytes = toByteList(atr, "atr");
  let parsed: ATR;
  try {
    parsed = new ATR(bytes);
  } catch (error) {
    if (error instanceof SmartcardException) return null;
    throw error;
  }
  const h = parsed.historicalBytes;
  // 80 | 4F LL | RID(5) SS NN NN [RFU...]
  if (h.length < 3 || h[0] !== 0x80 || h[1] !== 0x4f) return null;
  const length = h[2];
  if (length < 8 || 3 + length > h.length) return null;
  for (let i = 0; i < PCSC_RID.length; i++) {
    if (h[3 + i] !== PCSC_RID[i]) return null;
  }
  const standard = h[8];
  const cardName = (h[9] << 8) | h[10];
  return Object.freeze({
    standard,
    standardName: part3StandardName(standard),
    cardName,
    cardNameText: part3CardName(cardName),
    rfu: Object.freeze(h.slice(11, 3 + length)),
    checksumOK: parsed.checksumOK === true,
  });
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
