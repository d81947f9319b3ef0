/**
 * Page-level access to NFC Forum Type 2 tags through PC/SC Part 3's READ BINARY and
 * UPDATE BINARY: the primitives of the Type 2 NDEF mapping.
 *
 * @module
 */

import { checkBytes, checkInteger } from "../smartcard/bytes.ts";
import type { ContactlessConnection } from "./connection.ts";
import { rawReadBinary, rawUpdateBinary } from "./pseudo_apdu.ts";
import {
  CAPABILITY_CONTAINER_PAGE,
  decodeCapabilityContainer,
  TYPE2_PAGE_SIZE,
  type Type2CapabilityContainer,
} from "./type2_tag.ts";
import { guardWrite, type WriteOptions } from "./write_guard.ts";

/** Pages per READ BINARY: 16 bytes, what the Type 2 READ command returns, and what every reader takes. */
const PAGES_PER_READ = 4;

/** The options of {@link writePage}: see `updateBinary`'s. `sectorTrailer` does not apply. */
export type WritePageOptions = Omit<WriteOptions, "sectorTrailer">;

/**
 * Reads `count` pages from `page`, 4 pages (16 bytes) per READ BINARY, and resolves to
 * `count × 4` bytes. Near the end of memory a tag rolls over to page 0 inside a 16-byte
 * read; only the pages asked for are returned.
 * @throws TypeError or RangeError before anything is sent: a page outside 0..255, a count
 * below 1 or past page 255
 * @throws ContactlessError on a refusal (6A 82 or 63 00 for a page the tag does not have;
 * some HID Omnikey readers refuse every page from 16 on with 6A 82)
 * @throws RangeError when the reader returns fewer bytes than a read asked for
 */
export async function readPages(
  connection: ContactlessConnection,
  page: number,
  count: number,
): Promise<number[]> {
  checkInteger(page, "page", 0, 255);
  checkInteger(count, "count", 1, 256 - page);
  const out: number[] = [];
  for (let at = page; at < page + count; at += PAGES_PER_READ) {
    const wanted = Math.min(PAGES_PER_READ, page + count - at) * TYPE2_PAGE_SIZE;
    const data = await rawReadBinary(connection, at, PAGES_PER_READ * TYPE2_PAGE_SIZE, "page");
    if (data.length < wanted) {
      throw new RangeError(
        `READ BINARY of page ${at} returned ${data.length} bytes; ${wanted} were needed`,
      );
    }
    out.push(...data.slice(0, wanted));
  }
  return out;
}

/**
 * Writes one 4-byte page (UPDATE BINARY `FF D6 00 page 04`). Pages 4 to the end of the data
 * area are written freely; the static lock bytes (page 2) and dynamic lock bytes need
 * `allowLockBytes`, the capability container `allowCapabilityContainer`, the pages after
 * the data area and locks `allowConfiguration`; pages 0-1 (the UID) never. Past page 15,
 * the tag's layout comes from `type2Layout`, or else from reading its capability container
 * once per call.
 * @throws TypeError or RangeError before anything is sent: a page outside 0..255, bytes that
 * are not 4 bytes, a page the layout says the tag does not have
 * @throws UnsafeWriteError before anything is sent: lock bytes, capability container,
 * configuration or UID without the option that allows it
 * @throws ContactlessError on a refusal (63 00 on ACS readers for a locked page)
 */
export async function writePage(
  connection: ContactlessConnection,
  page: number,
  bytes: readonly number[] | Uint8Array,
  options: WritePageOptions = {},
): Promise<void> {
  checkInteger(page, "page", 0, 255);
  checkBytes(bytes, "page bytes", TYPE2_PAGE_SIZE);
  if (bytes.length !== TYPE2_PAGE_SIZE) {
    throw new RangeError(`a Type 2 page is 4 bytes, not ${bytes.length}`);
  }
  await guardWrite(connection, page, bytes, options, "type2", rawReadBinary);
  await rawUpdateBinary(connection, page, bytes, "page");
}

/**
 * Reads and decodes the capability container (page 3).
 * @throws ContactlessError on a refusal
 */
export async function readCapabilityContainer(
  connection: ContactlessConnection,
): Promise<Type2CapabilityContainer> {
  return decodeCapabilityContainer(await readPages(connection, CAPABILITY_CONTAINER_PAGE, 1));
}
