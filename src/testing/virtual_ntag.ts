/**
 * A virtual NTAG213, NTAG215 or NTAG216 (NXP data sheet NTAG213_215_216) behind a PC/SC
 * Part 3 reader: its whole memory, READ BINARY of 4 pages (rolling over at the end as the
 * tag's READ does), UPDATE BINARY of one page, and the locks honoured: pages 0-1 read-only,
 * static lock bits (page 2, with their block-locking bits), the capability container
 * one-time programmable, dynamic lock bits (a write to a locked page is NAKed: 63 00, as
 * ACS readers report it). Not modelled: password protection (AUTH0, PWD_AUTH), the NFC
 * counter, the UID mirror, and the dynamic block-locking bits (stored, not enforced).
 *
 * @module
 */

import { TYPE2_TAG_LAYOUTS, type Type2Layout } from "../contactless/type2_tag.ts";
import * as reader from "./part3_reader.ts";
import { type Command, respond, SW } from "./part3_reader.ts";

/** The NTAG models the virtual tag can be. */
export type NtagModel = "NTAG213" | "NTAG215" | "NTAG216";

/** What a virtual NTAG is and holds at first (structured-cloneable). */
export interface VirtualNtagInit {
  /** Which tag; default "NTAG215". */
  readonly model?: NtagModel;
  /** The 7-byte UID; default one starting with NXP's 04. */
  readonly uid?: readonly number[];
  /**
   * Page 3; default as delivered: `E1 10 size 00` (NDEF-formatted, version 1.0, free
   * access). `[0, 0, 0, 0]` is a tag never formatted.
   */
  readonly capabilityContainer?: readonly number[];
  /**
   * The user memory from page 4; default as delivered: an empty NDEF message (on the
   * NTAG213 after a lock control TLV). Shorter data is followed by zeros.
   */
  readonly data?: readonly number[];
  /** Bytes 2-3 of page 2, the static lock bytes; default 00 00. */
  readonly staticLock?: readonly number[];
  /** Bytes 0-2 of the dynamic lock page; default 00 00 00. */
  readonly dynamicLock?: readonly number[];
}

/** What {@link VirtualNtagChip.inspect} gives. */
export interface NtagSnapshot {
  /** The model. */
  readonly model: NtagModel;
  /** Every page, 4 bytes each, as the tag holds them (the password too). */
  readonly memory: Uint8Array;
}

/** Byte 1 of page 2 on NTAG21x: "internal", 48h as delivered. */
const INTERNAL = 0x48;
const CC_SIZE: Readonly<Record<NtagModel, number>> = {
  NTAG213: 0x12,
  NTAG215: 0x3e,
  NTAG216: 0x6d,
};

/** The tag and the reader in front of it, answering pseudo-APDUs. */
export class VirtualNtagChip {
  readonly model: NtagModel;
  readonly #layout: Type2Layout;
  readonly #uid: number[];
  readonly #memory: Uint8Array;
  readonly #keys = new reader.KeySlots();

  /** A tag as delivered, or as `init` says. */
  constructor(init: VirtualNtagInit = {}) {
    const model = init.model ?? "NTAG215";
    if (!Object.hasOwn(CC_SIZE, model)) throw new TypeError(`no NTAG model ${String(model)}`);
    this.model = model;
    this.#layout = TYPE2_TAG_LAYOUTS[model];
    const uid = init.uid ?? reader.defaultUid(7, model.charCodeAt(5));
    if (uid.length !== 7) throw new RangeError("an NTAG's UID is 7 bytes");
    this.#uid = Array.from(uid);
    const memory = new Uint8Array(this.#layout.pages! * 4);
    const [s0, s1, s2, s3, s4, s5, s6] = uid;
    memory.set([s0, s1, s2, 0x88 ^ s0 ^ s1 ^ s2, s3, s4, s5, s6, s3 ^ s4 ^ s5 ^ s6, INTERNAL]);
    memory.set(init.staticLock ?? [0, 0], 10);
    memory.set(init.capabilityContainer ?? [0xe1, 0x10, CC_SIZE[model], 0x00], 12);
    const delivered = model === "NTAG213"
      ? [0x01, 0x03, 0xa0, 0x0c, 0x34, 0x03, 0x00, 0xfe]
      : [0x03, 0x00, 0xfe];
    const data = init.data ?? delivered;
    const room = (this.#layout.dataEnd - 3) * 4;
    if (data.length > room) throw new RangeError(`${model} user memory is ${room} bytes`);
    memory.set(data, 16);
    const dynamic = this.#layout.dynamicLockPage! * 4;
    memory.set(init.dynamicLock ?? [0, 0, 0], dynamic);
    // CFG0: AUTH0 = FF (no page protected); PWD FF FF FF FF
    const [cfg] = this.#layout.configurationPages!;
    memory.set([0x04, 0x00, 0x00, 0xff], cfg * 4);
    memory.set([0xff, 0xff, 0xff, 0xff], (cfg + 2) * 4);
    this.#memory = memory;
  }

  /** The whole memory, for assertions. */
  inspect(): NtagSnapshot {
    return { model: this.model, memory: this.#memory.slice() };
  }

  /** Nothing volatile to forget: a Type 2 tag has no session state here. */
  reset(): void {}

  /** Answers one APDU as the reader and tag would. */
  handle(apdu: Uint8Array): Uint8Array {
    const command = reader.answerAsReader(apdu, this.#uid, this.#keys);
    if (command instanceof Uint8Array) return command;
    // no MIFARE Classic authentication on a Type 2 tag: the reader reports a failure
    const failed = () => respond(SW.FAILED);
    return reader.dispatch(command, {
      0x86: failed,
      0x88: failed,
      0xb0: (c) => this.#read(c),
      0xd6: (c) => this.#write(c),
    });
  }

  get #pages(): number {
    return this.#layout.pages!;
  }

  #read(command: Command): Uint8Array {
    const le = command.le;
    if (le === undefined || command.data.length > 0) return respond(SW.WRONG_LENGTH);
    if (le === 0 || le > 16) return respond(0x6c10);
    if (le % 4 !== 0) return respond(SW.WRONG_LENGTH);
    const page = (command.p1 << 8) | command.p2;
    if (page >= this.#pages) return respond(SW.NOT_FOUND);
    const out: number[] = [];
    const [cfg] = this.#layout.configurationPages!;
    for (let i = 0; i < le / 4; i++) {
      const p = (page + i) % this.#pages;
      // PWD and PACK always read as zeros
      const hidden = p === cfg + 2 || p === cfg + 3;
      out.push(...(hidden ? [0, 0, 0, 0] : this.#memory.subarray(p * 4, p * 4 + 4)));
    }
    return respond(SW.OK, out);
  }

  #write(command: Command): Uint8Array {
    if (command.le !== undefined || command.data.length !== 4) return respond(SW.WRONG_LENGTH);
    const page = (command.p1 << 8) | command.p2;
    if (page >= this.#pages) return respond(SW.NOT_FOUND);
    const bytes = command.data;
    const at = page * 4;
    const m = this.#memory;
    if (page < 2) return respond(SW.FAILED);
    if (page === 2) {
      // bytes 0-1 are the UID's check byte and "internal": not written
      const [lock0, lock1] = [m[10], m[11]];
      let frozen0 = 0, frozen1 = 0;
      if (lock0 & 0x01) frozen0 |= 0x08; // BL-CC freezes L-CC
      if (lock0 & 0x02) (frozen0 |= 0xf0), (frozen1 |= 0x03); // BL9-4 freezes L4..L9
      if (lock0 & 0x04) frozen1 |= 0xfc; // BL15-10 freezes L10..L15
      m[10] = lock0 | (bytes[2] & ~frozen0);
      m[11] = lock1 | (bytes[3] & ~frozen1);
      return respond(SW.OK);
    }
    if (page === 3) {
      if (m[10] & 0x08) return respond(SW.FAILED);
      for (let i = 0; i < 4; i++) m[at + i] |= bytes[i]; // one-time programmable
      return respond(SW.OK);
    }
    const dynamicPage = this.#layout.dynamicLockPage!;
    if (page === dynamicPage) {
      if (bytes[3] !== 0) return respond(SW.FAILED); // RFUI byte must be 0
      for (let i = 0; i < 3; i++) m[at + i] |= bytes[i];
      return respond(SW.OK);
    }
    if (this.#locked(page)) return respond(SW.FAILED);
    m.set(bytes, at);
    return respond(SW.OK);
  }

  #locked(page: number): boolean {
    const m = this.#memory;
    if (page < 16) {
      const lockBits = m[10] | (m[11] << 8); // bit n of this locks page n (n = 3..15)
      return (lockBits & (1 << page)) !== 0;
    }
    if (page > this.#layout.dataEnd) return false;
    const at = this.#layout.dynamicLockPage! * 4;
    const bits = m[at] | (m[at + 1] << 8);
    const bit = Math.floor((page - 16) / this.#layout.pagesPerDynamicLockBit!);
    return (bits & (1 << bit)) !== 0;
  }
}
