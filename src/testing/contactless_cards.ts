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
import { storageCardAtr } from "./part3_reader.ts";

export type { NtagModel, NtagSnapshot, VirtualNtagInit };

const BEHAVIOUR = new URL("./contactless_behaviour.ts", import.meta.url);

/** Part 3's standard byte for ISO 14443 A part 3. */
const ISO14443A_3 = 0x03;

/**
 * The ATR an ACS reader (and most Part 3 readers) builds for an NTAG21x: card name 00 03
 * "MIFARE Ultralight", since the reader cannot tell them apart without GET_VERSION.
 */
export const NTAG_ATR: readonly number[] = Object.freeze(storageCardAtr(ISO14443A_3, 0x0003));

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
