/**
 * What UPDATE BINARY refuses to send unless asked for: writes that cannot be undone on the
 * card (MIFARE sector trailers; Type 2 lock bytes, capability container, configuration)
 * and writes to memory the card does not have or never lets be written (a Type 2 UID).
 *
 * @module
 */

import { type ContactlessConnection, readAtr } from "./connection.ts";
import { contactlessInfo } from "./contactless_info.ts";
import { UnsafeWriteError } from "./contactless_error.ts";
import {
  isSectorTrailer,
  MIFARE_BLOCK_SIZE,
  type MifareClassicLayout,
  mifareClassicLayout,
  sectorOfBlock,
} from "./mifare_classic_layout.ts";
import { isEncodedSectorTrailer } from "./sector_trailer.ts";
import {
  CAPABILITY_CONTAINER_PAGE,
  decodeCapabilityContainer,
  FIRST_DATA_PAGE,
  STATIC_LOCK_PAGE,
  TYPE2_PAGE_SIZE,
  type Type2Layout,
  type2Layout,
} from "./type2_tag.ts";

/** What a write may touch beyond ordinary data; everything is false unless given. */
export interface WriteOptions {
  /**
   * true: this write is a MIFARE Classic sector trailer, 16 bytes from `encodeSectorTrailer`
   * (unchanged since), to the trailer block alone.
   */
  readonly sectorTrailer?: boolean;
  /** true: the write may set Type 2 lock bits (page 2, or the dynamic lock page): for ever. */
  readonly allowLockBytes?: boolean;
  /** true: the write may set bits of a Type 2 capability container (page 3, one-time programmable). */
  readonly allowCapabilityContainer?: boolean;
  /**
   * true: the write may go to a Type 2 tag's pages after its data area and lock bytes
   * (password, AUTH0, ACCESS, whose CFGLCK bit freezes the configuration for ever).
   */
  readonly allowConfiguration?: boolean;
  /**
   * The Type 2 tag's layout (from `type2Layout` or `TYPE2_TAG_LAYOUTS`). Without it, a write
   * beyond page 15 reads the capability container first, to find where data ends.
   */
  readonly type2Layout?: Type2Layout;
}

/** Which rules apply to the card. */
interface Rules {
  /** MIFARE Classic trailer rules with this layout, for writes of whole blocks. */
  readonly classic?: MifareClassicLayout;
  /** Type 2 page rules. */
  readonly type2: boolean;
  /** The card is not named: block rules for 16-byte writes, page rules for others. */
  readonly unnamed: boolean;
}

/** Part 3 card names (NN NN) of MIFARE Classic cards, and of Type 2 tags. */
const CLASSIC_NAMES: Readonly<Record<number, "1K" | "4K" | "Mini">> = {
  0x0001: "1K",
  0x0002: "4K",
  0x0026: "Mini",
};
const TYPE2_NAMES: ReadonlySet<number> = new Set([0x0003, 0x003a, 0x003d]);
/** ISO 14443 A part 3, and "no information given". */
const TYPE_A_STANDARDS: ReadonlySet<number> = new Set([0x03, 0x00]);

type ReadBinary = (
  connection: ContactlessConnection,
  address: number,
  length: number,
  kind: "block" | "page",
) => Promise<number[]>;

/**
 * Throws before anything is sent when the write needs an option it was not given.
 * `assume` "type2" applies the page rules whatever the ATR says (writePage).
 */
export async function guardWrite(
  connection: ContactlessConnection,
  address: number,
  bytes: readonly number[] | Uint8Array,
  options: WriteOptions,
  assume: "type2" | undefined,
  read: ReadBinary,
): Promise<void> {
  if (options.sectorTrailer === true && assume === "type2") {
    throw new TypeError("sectorTrailer is for MIFARE Classic blocks, not Type 2 pages");
  }
  const rules: Rules = assume === "type2"
    ? { type2: true, unnamed: false }
    : rulesFor(await readAtr(connection).catch(() => undefined));
  const wholeBlocks = bytes.length % MIFARE_BLOCK_SIZE === 0;
  const classic = rules.classic !== undefined && (!rules.unnamed || wholeBlocks);
  if (classic) guardClassic(rules.classic!, address, bytes, options);
  else if (options.sectorTrailer === true) {
    throw new TypeError(
      "sectorTrailer: true, but this write is not to a MIFARE Classic (by its ATR)",
    );
  }
  const pages = rules.type2 && (!rules.unnamed || !wholeBlocks);
  if (pages) await guardType2(connection, address, bytes, options, read);
  // a card of unknown kind may be a Type 2 tag, whose static lock bytes (page 2) and
  // write-once capability container (page 3) a block write from address 0-3 would reach too
  else if (rules.type2 && address <= CAPABILITY_CONTAINER_PAGE) {
    const last = address + Math.ceil(bytes.length / TYPE2_PAGE_SIZE) - 1;
    if (address <= STATIC_LOCK_PAGE && last >= STATIC_LOCK_PAGE) {
      needs(
        options.allowLockBytes,
        STATIC_LOCK_PAGE,
        "holds a Type 2 tag's static lock bytes",
        "allowLockBytes",
      );
    }
    if (last >= CAPABILITY_CONTAINER_PAGE) {
      needs(
        options.allowCapabilityContainer,
        CAPABILITY_CONTAINER_PAGE,
        "is a Type 2 tag's capability container (one-time programmable)",
        "allowCapabilityContainer",
      );
    }
  }
}

function rulesFor(atr: number[] | undefined): Rules {
  const careful: Rules = { classic: mifareClassicLayout("4K"), type2: true, unnamed: true };
  if (atr === undefined) return careful;
  const info = contactlessInfo(atr);
  if (info === null || info.kind !== "storage") return { type2: false, unnamed: false };
  if (!TYPE_A_STANDARDS.has(info.standard.code)) return { type2: false, unnamed: false };
  const classic = CLASSIC_NAMES[info.card.code];
  if (classic !== undefined) {
    return { classic: mifareClassicLayout(classic), type2: false, unnamed: false };
  }
  if (TYPE2_NAMES.has(info.card.code)) return { type2: true, unnamed: false };
  return careful;
}

function guardClassic(
  layout: MifareClassicLayout,
  block: number,
  bytes: readonly number[] | Uint8Array,
  options: WriteOptions,
): void {
  const count = Math.max(1, Math.ceil(bytes.length / MIFARE_BLOCK_SIZE));
  const last = block + count - 1;
  if (last >= layout.blocks) {
    throw new RangeError(
      `a MIFARE Classic ${layout.type} has blocks 0..${layout.blocks - 1}: ` +
        (count === 1 ? `block ${block}` : `blocks ${block}..${last}`) + " do not exist",
    );
  }
  const trailers = [];
  for (let b = block; b <= last; b++) if (isSectorTrailer(layout, b)) trailers.push(b);
  if (trailers.length === 0) {
    if (options.sectorTrailer === true) {
      throw new TypeError(`sectorTrailer: true, but block ${block} is not a sector trailer`);
    }
    return;
  }
  const trailer = trailers[0];
  const sector = sectorOfBlock(layout, trailer);
  const why = `block ${trailer} is the trailer of sector ${sector}, and a wrong trailer makes ` +
    "the sector unusable for ever";
  if (count > 1) {
    throw new UnsafeWriteError(
      trailer,
      `refused: the write covers blocks ${block}..${last}, and ${why}: write a trailer alone`,
    );
  }
  if (options.sectorTrailer !== true) {
    throw new UnsafeWriteError(
      trailer,
      `refused: ${why}. Build it with encodeSectorTrailer and pass { sectorTrailer: true }`,
    );
  }
  if (!isEncodedSectorTrailer(bytes)) {
    throw new UnsafeWriteError(
      trailer,
      `refused: ${why}, so only a trailer made by encodeSectorTrailer, unchanged since, is ` +
        "written",
    );
  }
}

async function guardType2(
  connection: ContactlessConnection,
  first: number,
  bytes: readonly number[] | Uint8Array,
  options: WriteOptions,
  read: ReadBinary,
): Promise<void> {
  if (bytes.length % TYPE2_PAGE_SIZE !== 0) {
    throw new RangeError(`Type 2 pages are 4 bytes: ${bytes.length} bytes are not whole pages`);
  }
  const last = first + bytes.length / TYPE2_PAGE_SIZE - 1;
  let layout = options.type2Layout;
  for (let page = first; page <= last; page++) {
    if (page < STATIC_LOCK_PAGE) {
      throw new UnsafeWriteError(page, `refused: page ${page} of a Type 2 tag holds its UID`);
    }
    if (page === STATIC_LOCK_PAGE) {
      needs(options.allowLockBytes, page, "holds the static lock bytes", "allowLockBytes");
      continue;
    }
    if (page === CAPABILITY_CONTAINER_PAGE) {
      needs(
        options.allowCapabilityContainer,
        page,
        "is the capability container (one-time programmable: bits once set stay set)",
        "allowCapabilityContainer",
      );
      continue;
    }
    // Pages 4-15 are data on every Type 2 tag.
    if (page < FIRST_DATA_PAGE + 12) continue;
    layout ??= await layoutOf(connection, read);
    if (layout.pages !== undefined && page >= layout.pages) {
      throw new RangeError(`a ${layout.name} has pages 0..${layout.pages - 1}: no page ${page}`);
    }
    if (page <= layout.dataEnd) continue;
    if (page === layout.dynamicLockPage) {
      needs(
        options.allowLockBytes,
        page,
        `holds the dynamic lock bytes of a ${layout.name}`,
        "allowLockBytes",
      );
      continue;
    }
    needs(
      options.allowConfiguration,
      page,
      `lies after the data area and lock bytes of a ${layout.name} (configuration: ` +
        "password, AUTH0, ACCESS)",
      "allowConfiguration",
    );
  }
}

function needs(allowed: boolean | undefined, page: number, what: string, option: string): void {
  if (allowed === true) return;
  throw new UnsafeWriteError(
    page,
    `refused: page ${page} ${what}; what is written there cannot be undone. ` +
      `Pass { ${option}: true } to write it`,
  );
}

async function layoutOf(connection: ContactlessConnection, read: ReadBinary): Promise<Type2Layout> {
  // 16 bytes: the one read length every reader takes for Type 2 tags
  const data = await read(connection, CAPABILITY_CONTAINER_PAGE, 16, "page");
  if (data.length < 4) {
    throw new RangeError(`reading the capability container returned ${data.length} bytes`);
  }
  return type2Layout(decodeCapabilityContainer(data.slice(0, 4)));
}
