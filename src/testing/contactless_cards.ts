/**
 * Virtual contactless cards for the stack's readers, answering PC/SC Part 3 pseudo-APDUs as
 * a contactless reader with the card in its field would (an ACS ACR122U's conventions: two
 * volatile key slots, 63 00 for what the card refuses), each with its memory for
 * assertions.
 *
 * @module
 */

import { READER_NAMES, type VirtualStack } from "./stack.ts";
import { VirtualCard } from "./virtual_card.ts";
import type { ContactlessChipOptions } from "./contactless_behaviour.ts";
import type { NtagModel, NtagSnapshot, VirtualNtagInit } from "./virtual_ntag.ts";
import type {
  MifareClassicSnapshot,
  VirtualMifareClassicInit,
  VirtualSectorInit,
} from "./virtual_mifare_classic.ts";
import type { Type4Snapshot, VirtualType4TagInit } from "./virtual_type4_tag.ts";
import { iso14443_4Atr, storageCardAtr } from "./part3_reader.ts";
import type { MifareClassicType } from "../contactless/mifare_classic_layout.ts";

export type {
  MifareClassicSnapshot,
  MifareClassicType,
  NtagModel,
  NtagSnapshot,
  Type4Snapshot,
  VirtualMifareClassicInit,
  VirtualNtagInit,
  VirtualSectorInit,
  VirtualType4TagInit,
};

const BEHAVIOUR = new URL("./contactless_behaviour.ts", import.meta.url);

/** Part 3's standard byte for ISO 14443 A part 3. */
const ISO14443A_3 = 0x03;

/**
 * The ATR an ACS reader (and most Part 3 readers) builds for an NTAG21x: card name 00 03
 * "MIFARE Ultralight", since the reader cannot tell them apart without GET_VERSION.
 */
export const NTAG_ATR: readonly number[] = Object.freeze(storageCardAtr(ISO14443A_3, 0x0003));

/** The ATRs a Part 3 reader builds for MIFARE Classic cards: card names 00 01, 00 02, 00 26. */
export const MIFARE_CLASSIC_ATRS: Readonly<Record<MifareClassicType, readonly number[]>> = Object
  .freeze({
    "1K": Object.freeze(storageCardAtr(ISO14443A_3, 0x0001)),
    "4K": Object.freeze(storageCardAtr(ISO14443A_3, 0x0002)),
    "Mini": Object.freeze(storageCardAtr(ISO14443A_3, 0x0026)),
  });

/** Which of the stack's readers: 0 is "Virtual PCD 00 00", 1 is "Virtual PCD 00 01". */
export interface OnReader {
  /** Default 0. */
  readonly reader?: 0 | 1;
}

function placement(stack: VirtualStack, reader: 0 | 1 = 0) {
  return {
    host: stack.host,
    port: stack.ports[reader],
    readerName: READER_NAMES[reader],
  };
}

/**
 * A virtual NTAG213/215/216 (see {@link VirtualNtagInit} for what it holds at first);
 * `memory()` gives every page.
 */
export class VirtualNtag extends VirtualCard {
  /** The model. */
  readonly model: NtagModel;

  /** A tag for the reader at `host`:`port`; {@link virtualNtag} fills those from a stack. */
  constructor(
    where: { host: string; port: number; readerName?: string },
    init: VirtualNtagInit = {},
  ) {
    const options: ContactlessChipOptions = { kind: "ntag", init };
    super({ ...where, atr: NTAG_ATR, behaviour: BEHAVIOUR, behaviourOptions: options });
    this.model = init.model ?? "NTAG215";
  }

  /** Every page of the tag, 4 bytes each, as it holds them now. */
  async memory(): Promise<Uint8Array> {
    return ((await this.inspect()) as NtagSnapshot).memory;
  }

  /** `count` pages from `page`, as the tag holds them now. */
  async pages(page: number, count: number = 1): Promise<number[]> {
    return Array.from((await this.memory()).subarray(page * 4, (page + count) * 4));
  }
}

/**
 * A virtual NTAG for one of `stack`'s readers, not inserted yet.
 *
 * ```ts
 * await using tag = virtualNtag(stack, { model: "NTAG213" });
 * await tag.insert();
 * await tag.waitPresent();
 * ```
 */
export function virtualNtag(
  stack: VirtualStack,
  options: VirtualNtagInit & OnReader = {},
): VirtualNtag {
  const { reader, ...init } = options;
  return new VirtualNtag(placement(stack, reader), init);
}

/**
 * A virtual MIFARE Classic with keys and access conditions enforced (see
 * {@link VirtualMifareClassicInit}); `memory()` gives every block, keys included.
 */
export class VirtualMifareClassic extends VirtualCard {
  /** Which card. */
  readonly type: MifareClassicType;

  /**
   * A card for the reader at `host`:`port`; {@link virtualMifareClassic} fills those from a
   * stack.
   */
  constructor(
    where: { host: string; port: number; readerName?: string },
    init: VirtualMifareClassicInit = {},
  ) {
    const type = init.type ?? "1K";
    const options: ContactlessChipOptions = { kind: "mifare-classic", init };
    super({
      ...where,
      atr: MIFARE_CLASSIC_ATRS[type] ?? MIFARE_CLASSIC_ATRS["1K"],
      behaviour: BEHAVIOUR,
      behaviourOptions: options,
    });
    this.type = type;
  }

  /** Every block, 16 bytes each, as the card holds them now (real keys A and B too). */
  async memory(): Promise<Uint8Array> {
    return (await this.#snapshot()).memory;
  }

  /** One block as the card holds it now. */
  async block(block: number): Promise<number[]> {
    return Array.from((await this.memory()).subarray(block * 16, block * 16 + 16));
  }

  /** The sectors a broken trailer has blocked for ever. */
  async blockedSectors(): Promise<number[]> {
    return (await this.#snapshot()).blockedSectors;
  }

  async #snapshot(): Promise<MifareClassicSnapshot> {
    return (await this.inspect()) as MifareClassicSnapshot;
  }
}

/** A virtual MIFARE Classic for one of `stack`'s readers, not inserted yet. */
export function virtualMifareClassic(
  stack: VirtualStack,
  options: VirtualMifareClassicInit & OnReader = {},
): VirtualMifareClassic {
  const { reader, ...init } = options;
  return new VirtualMifareClassic(placement(stack, reader), init);
}

/**
 * A virtual NFC Forum Type 4 tag (see {@link VirtualType4TagInit}); `files()` gives its
 * capability container and NDEF file, `ndefMessage()` the message NLEN delimits.
 */
export class VirtualType4Tag extends VirtualCard {
  /**
   * A tag for the reader at `host`:`port`; {@link virtualType4Tag} fills those from a
   * stack. Its ATR is Part 3's for an ISO 14443-4 card with the ATS's historical bytes.
   */
  constructor(
    where: { host: string; port: number; readerName?: string },
    init: VirtualType4TagInit = {},
  ) {
    const options: ContactlessChipOptions = { kind: "type4", init };
    super({
      ...where,
      atr: iso14443_4Atr(init.historicalBytes ?? [0x80]),
      behaviour: BEHAVIOUR,
      behaviourOptions: options,
    });
  }

  /** The capability container file and the NDEF file as the tag holds them now. */
  async files(): Promise<Type4Snapshot> {
    return (await this.inspect()) as Type4Snapshot;
  }

  /** The NDEF message in the NDEF file: the NLEN bytes after NLEN. */
  async ndefMessage(): Promise<number[]> {
    const { ndefFile } = await this.files();
    const nlen = (ndefFile[0] << 8) | ndefFile[1];
    return Array.from(ndefFile.subarray(2, 2 + nlen));
  }
}

/** A virtual Type 4 tag for one of `stack`'s readers, not inserted yet. */
export function virtualType4Tag(
  stack: VirtualStack,
  options: VirtualType4TagInit & OnReader = {},
): VirtualType4Tag {
  const { reader, ...init } = options;
  return new VirtualType4Tag(placement(stack, reader), init);
}
