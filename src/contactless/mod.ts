/**
 * Contactless cards through PC/SC Part 3 (the contactless supplement): what a contactless
 * reader's ATR says, the reader's pseudo-APDUs (UID, ATS, MIFARE keys and authentication,
 * READ BINARY and UPDATE BINARY), MIFARE Classic memory, sector trailers and value blocks,
 * and NFC Forum Type 2 pages (MIFARE Ultralight, NTAG213/215/216).
 *
 * Every function takes a connected connection of either facade: pyscard's
 * `CardConnection` or the Web API's `SmartCardConnection`. Bytes come back as `number[]`.
 * A status word other than 90 00 is a {@link ContactlessError} naming the operation, the
 * address and what the status word means; bad arguments are a `TypeError` or `RangeError`
 * before anything is sent.
 *
 * **Nothing irreversible is written unless asked for exactly.** `updateBinary` refuses
 * (with {@link UnsafeWriteError}, before anything is sent) a MIFARE sector trailer unless it
 * comes from {@link encodeSectorTrailer} unchanged and `{ sectorTrailer: true }` is passed,
 * and Type 2 lock bytes, capability container and configuration pages unless
 * `allowLockBytes`, `allowCapabilityContainer` or `allowConfiguration` is. Which rules apply
 * is read from the card's ATR; a contactless card the ATR does not name gets both (16-byte
 * writes as MIFARE blocks, others as pages).
 *
 * ```ts
 * import { CardRequest, toHexString } from "jsr:@pcsc/smartcard";
 * import { authenticate, getUid, loadKey, readBinary } from "jsr:@pcsc/smartcard/contactless";
 *
 * using request = new CardRequest({ timeout: 10 });
 * using service = await request.waitforcard();
 * const connection = service.connection;
 * await connection.connect();
 * console.log("UID", toHexString(await getUid(connection)));
 * await loadKey(connection, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], { slot: 0 });
 * await authenticate(connection, 4, "A", 0);
 * console.log("block 4", toHexString(await readBinary(connection, 4, 16)));
 * ```
 *
 * ## Type 2 pages (the primitives of the NFC Forum Type 2 NDEF mapping)
 *
 * - `readPages(connection, page, count)`: `count × 4` bytes from `page`, read 16 bytes
 *   (4 pages) per READ BINARY, the one length every reader takes.
 * - `writePage(connection, page, bytes, { allowLockBytes?, allowCapabilityContainer?,
 *   allowConfiguration?, type2Layout? })`: one 4-byte page. Data pages (4 to the layout's
 *   `dataEnd`) are free; page 2 and the dynamic lock page need `allowLockBytes`, page 3
 *   `allowCapabilityContainer`, pages after the locks `allowConfiguration`; pages 0-1 never.
 *   Past page 15 the layout is needed: pass `type2Layout`, or the capability container is
 *   read on each call.
 * - `readCapabilityContainer(connection)`: page 3 decoded (`ndef` when byte 0 is E1,
 *   `dataAreaSize` in bytes, `majorVersion`, `minorVersion`, `readAccess`, `writeAccess`).
 * - `type2Layout(cc)`: the tag's memory from its capability container: `dataStart` (4),
 *   `dataEnd` (last user page per the data sheet), `dataAreaSize` (what the CC announces;
 *   the NDEF mapping keeps to it), `dynamicLockPage`, `pagesPerDynamicLockBit`,
 *   `configurationPages`, `pages`.
 * - `TYPE2_TAG_LAYOUTS`: the same for each model. NTAG213: 45 pages, data 4-39 (CC 0x12,
 *   144 bytes), dynamic lock page 40 (0x28), configuration 41-44. NTAG215: 135 pages, data
 *   4-129 (CC 0x3E, 496 bytes), dynamic lock page 130 (0x82), configuration 131-134.
 *   NTAG216: 231 pages, data 4-225 (CC 0x6D, 872 bytes), dynamic lock page 226 (0xE2),
 *   configuration 227-230. MIFARE Ultralight: 16 pages, data 4-15 (CC 0x06), no dynamic
 *   lock. Ultralight C: 48 pages, data 4-39, lock page 40, counter/auth/key 41-47.
 *   Dynamic lock bytes are bytes 0-2 of their page; byte 3 must be written 0.
 *
 * @module
 */

export { type ContactlessConnection } from "./connection.ts";
export {
  ContactlessError,
  type ContactlessErrorOptions,
  UnsafeWriteError,
} from "./contactless_error.ts";
export { type Part3Operation, statusMeaning } from "./status_words.ts";
export {
  authenticate,
  getAts,
  getUid,
  loadKey,
  type LoadKeyOptions,
  readBinary,
  updateBinary,
  type UpdateBinaryOptions,
} from "./pseudo_apdu.ts";
export type { WriteOptions } from "./write_guard.ts";
export {
  type ContactlessInfo,
  contactlessInfo,
  type Iso14443_4Info,
  type Part3Code,
  type StorageCardInfo,
  type TypeBInfo,
} from "./contactless_info.ts";
export {
  accessGroupOfBlock,
  blockOfSector,
  blocksInSector,
  firstBlockOfSector,
  isSectorTrailer,
  MIFARE_BLOCK_SIZE,
  type MifareClassicLayout,
  mifareClassicLayout,
  type MifareClassicType,
  sectorOfBlock,
  trailerBlockOfSector,
} from "./mifare_classic_layout.ts";
export {
  type AccessConditions,
  type DataBlockAccess,
  dataBlockAccess,
  decodeAccessBits,
  encodeAccessBits,
  type KeyUse,
  type TrailerAccess,
  trailerAccess,
  TRANSPORT_ACCESS_CONDITIONS,
} from "./access_conditions.ts";
export {
  decodeSectorTrailer,
  describeAccessConditions,
  encodeSectorTrailer,
  isEncodedSectorTrailer,
  type SectorTrailer,
  type SectorTrailerDescription,
  type SectorTrailerInit,
} from "./sector_trailer.ts";
export {
  decodeValueBlock,
  encodeValueBlock,
  isValueBlock,
  type ValueBlock,
} from "./value_block.ts";
export {
  CAPABILITY_CONTAINER_PAGE,
  decodeCapabilityContainer,
  FIRST_DATA_PAGE,
  STATIC_LOCK_PAGE,
  TYPE2_PAGE_SIZE,
  TYPE2_TAG_LAYOUTS,
  type Type2CapabilityContainer,
  type Type2Layout,
  type2Layout,
  type Type2TagModel,
} from "./type2_tag.ts";
export {
  readCapabilityContainer,
  readPages,
  writePage,
  type WritePageOptions,
} from "./type2_pages.ts";
