/**
 * NFC Forum Type 2 tags (MIFARE Ultralight, Ultralight C, Ultralight EV1, NTAG213/215/216):
 * 4-byte pages; the UID in pages 0-1 and byte 0 of page 2; the static lock bytes in bytes
 * 2-3 of page 2; the capability container (one-time programmable) in page 3; user data from
 * page 4; then, on tags with more than 48 bytes, the dynamic lock bytes and the
 * configuration pages. Facts from the NXP data sheets named in {@link TYPE2_TAG_LAYOUTS}.
 *
 * @module
 */

import { checkBytes } from "../smartcard/bytes.ts";

/** Bytes per Type 2 page. */
export const TYPE2_PAGE_SIZE = 4;
/** The page of the static lock bytes (bytes 2 and 3). */
export const STATIC_LOCK_PAGE = 2;
/** The page of the capability container. */
export const CAPABILITY_CONTAINER_PAGE = 3;
/** The first page of user data on every Type 2 tag. */
export const FIRST_DATA_PAGE = 4;

/** The memory of a Type 2 tag model, or of a tag known only by its capability container. */
export interface Type2Layout {
  /** The model ("NTAG215"), or what the capability container lets us say. */
  readonly name: string;
  /** How many pages the tag has, when the model is known. */
  readonly pages: number | undefined;
  /** The first page of user data: always 4. */
  readonly dataStart: number;
  /**
   * The last page of user data. It can lie beyond what the capability container announces
   * (the NTAG215's CC says 496 bytes, its user memory is 504): the NDEF mapping keeps to the
   * CC's size, writes are allowed up to here.
   */
  readonly dataEnd: number;
  /** The data area the capability container announces, in bytes (CC byte 2 × 8). */
  readonly dataAreaSize: number;
  /** The page of the dynamic lock bytes (bytes 0-2; byte 3 must stay 0), if the tag has one. */
  readonly dynamicLockPage: number | undefined;
  /** How many pages one dynamic lock bit locks, where the data sheet says. */
  readonly pagesPerDynamicLockBit: number | undefined;
  /**
   * The configuration pages (password, AUTH0, ACCESS with its lock-for-ever bit, counters,
   * 3DES key) as [first, last], where the model is known to have some.
   */
  readonly configurationPages: readonly [number, number] | undefined;
}

/** The Type 2 tag models whose layout the data sheets give. */
export type Type2TagModel =
  | "MIFARE Ultralight"
  | "MIFARE Ultralight C"
  | "MIFARE Ultralight EV1 MF0UL11"
  | "MIFARE Ultralight EV1 MF0UL21"
  | "NTAG213"
  | "NTAG215"
  | "NTAG216";

function layout(
  name: string,
  pages: number | undefined,
  dataEnd: number,
  ccSize: number,
  dynamicLockPage?: number,
  pagesPerDynamicLockBit?: number,
  configurationPages?: [number, number],
): Type2Layout {
  return Object.freeze({
    name,
    pages,
    dataStart: FIRST_DATA_PAGE,
    dataEnd,
    dataAreaSize: ccSize * 8,
    dynamicLockPage,
    pagesPerDynamicLockBit,
    configurationPages: configurationPages && Object.freeze(configurationPages),
  });
}

/**
 * The layouts of the Type 2 tags of NXP's data sheets: MF0ICU1 (Ultralight, 16 pages),
 * MF0ICU2 (Ultralight C: 48 pages, lock bytes at 0x28, counter, AUTH0/AUTH1, 3DES key to
 * page 0x2F), MF0ULX1 (Ultralight EV1: MF0UL11 20 pages, MF0UL21 41 pages), NTAG213/215/216
 * (45, 135, 231 pages; dynamic lock page 0x28, 0x82, 0xE2; a dynamic lock bit locks 2
 * pages on the NTAG213 and 16 on the NTAG215 and NTAG216).
 */
export const TYPE2_TAG_LAYOUTS: Readonly<Record<Type2TagModel, Type2Layout>> = Object.freeze({
  "MIFARE Ultralight": layout("MIFARE Ultralight", 16, 15, 0x06),
  "MIFARE Ultralight C": layout("MIFARE Ultralight C", 48, 39, 0x12, 40, undefined, [41, 47]),
  "MIFARE Ultralight EV1 MF0UL11": layout(
    "MIFARE Ultralight EV1 MF0UL11",
    20,
    15,
    0x06,
    undefined,
    undefined,
    [16, 19],
  ),
  "MIFARE Ultralight EV1 MF0UL21": layout(
    "MIFARE Ultralight EV1 MF0UL21",
    41,
    35,
    0x10,
    36,
    undefined,
    [37, 40],
  ),
  "NTAG213": layout("NTAG213", 45, 39, 0x12, 40, 2, [41, 44]),
  "NTAG215": layout("NTAG215", 135, 129, 0x3e, 130, 16, [131, 134]),
  "NTAG216": layout("NTAG216", 231, 225, 0x6d, 226, 16, [227, 230]),
});

/** A Type 2 capability container (page 3), decoded. */
export interface Type2CapabilityContainer {
  /** The four bytes as read. */
  readonly bytes: readonly number[];
  /** Whether byte 0 is the NDEF magic number E1: the tag is formatted for NDEF. */
  readonly ndef: boolean;
  /** The mapping version's major number (byte 1, high nibble). */
  readonly majorVersion: number;
  /** The mapping version's minor number (byte 1, low nibble). */
  readonly minorVersion: number;
  /** The data area's size in bytes (byte 2 × 8). */
  readonly dataAreaSize: number;
  /** Read access (byte 3, high nibble): 0 is free reading. */
  readonly readAccess: number;
  /** Write access (byte 3, low nibble): 0 is free writing, F read-only. */
  readonly writeAccess: number;
}

/**
 * Decodes page 3.
 * @throws TypeError or RangeError unless 4 bytes
 */
export function decodeCapabilityContainer(
  page: readonly number[] | Uint8Array,
): Type2CapabilityContainer {
  checkBytes(page, "capability container", 4);
  if (page.length !== 4) {
    throw new RangeError(`a capability container is 4 bytes, not ${page.length}`);
  }
  const bytes = Object.freeze(Array.from(page));
  return {
    bytes,
    ndef: bytes[0] === 0xe1,
    majorVersion: bytes[1] >> 4,
    minorVersion: bytes[1] & 0xf,
    dataAreaSize: bytes[2] * 8,
    readAccess: bytes[3] >> 4,
    writeAccess: bytes[3] & 0xf,
  };
}

/**
 * The layout of the tag whose capability container is `cc`. A data-area size that one of
 * {@link TYPE2_TAG_LAYOUTS} has gives its pages (sizes two models share name both: 144
 * bytes is an NTAG213 or an Ultralight C, whose lock and data pages coincide); any other
 * size gives the NFC Forum's default: data up to the announced size, the dynamic lock bytes
 * right after it, nothing known beyond.
 */
export function type2Layout(cc: Type2CapabilityContainer): Type2Layout {
  const matches = Object.values(TYPE2_TAG_LAYOUTS).filter((l) =>
    l.dataAreaSize === cc.dataAreaSize
  );
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const [first] = matches;
    const same = matches.every((l) =>
      l.dataEnd === first.dataEnd && l.dynamicLockPage === first.dynamicLockPage
    );
    if (same) {
      return layout(
        matches.map((l) => l.name).join(" or "),
        undefined,
        first.dataEnd,
        cc.dataAreaSize / 8,
        first.dynamicLockPage,
        undefined,
        // the models differ beyond: treat everything after the lock page as configuration
        first.dynamicLockPage === undefined
          ? [first.dataEnd + 1, 255]
          : [first.dynamicLockPage + 1, 255],
      );
    }
  }
  const dataEnd = FIRST_DATA_PAGE - 1 + Math.ceil(cc.dataAreaSize / TYPE2_PAGE_SIZE);
  const dynamic = cc.dataAreaSize > 48 ? dataEnd + 1 : undefined;
  return layout(
    `Type 2 tag with a ${cc.dataAreaSize}-byte data area`,
    undefined,
    Math.max(dataEnd, FIRST_DATA_PAGE - 1),
    cc.dataAreaSize / 8,
    dynamic,
    undefined,
    [(dynamic ?? dataEnd) + 1, 255],
  );
}
