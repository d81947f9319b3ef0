/**
 * A virtual MIFARE Classic 1K, 4K or Mini (NXP MF1S50yyX/V1, MF1S70yyX/V1, MF1S20yyX/V1)
 * behind a PC/SC Part 3 reader, with its keys and access conditions enforced: LOAD KEYS into
 * the reader's two volatile slots, GENERAL AUTHENTICATE (or the obsolete AUTHENTICATE) of a
 * sector with key A or B, then READ BINARY and UPDATE BINARY of whole blocks as the sector's
 * access bits allow for that key. Key A always reads as zeros; a key B that the trailer
 * lets be read grants nothing (the data sheet's rule); a trailer written with a wrong
 * inverted copy blocks its sector for ever, as on a card. Value-block operations (INCREMENT,
 * DECREMENT, TRANSFER, RESTORE) have no Part 3 pseudo-APDU and are not modelled.
 *
 * @module
 */

import {
  dataBlockAccess,
  decodeAccessBits,
  encodeAccessBits,
  type KeyUse,
  trailerAccess,
  TRANSPORT_ACCESS_CONDITIONS,
} from "../contactless/access_conditions.ts";
import {
  accessGroupOfBlock,
  isSectorTrailer,
  type MifareClassicLayout,
  mifareClassicLayout,
  type MifareClassicType,
  sectorOfBlock,
  trailerBlockOfSector,
} from "../contactless/mifare_classic_layout.ts";
import * as reader from "./part3_reader.ts";
import { type Command, respond, SW } from "./part3_reader.ts";

/** A sector's trailer as the virtual card starts with it. */
export interface VirtualSectorInit {
  /** Key A; default FF FF FF FF FF FF. */
  readonly keyA?: readonly number[];
  /** Key B; default FF FF FF FF FF FF. */
  readonly keyB?: readonly number[];
  /** C1C2C3 of data groups 0-2 and the trailer; default the transport configuration. */
  readonly accessConditions?: readonly [number, number, number, number];
  /** Byte 9; default 69. */
  readonly userByte?: number;
}

/** What a virtual MIFARE Classic is and holds at first (structured-cloneable). */
export interface VirtualMifareClassicInit {
  /** Which card; default "1K". */
  readonly type?: MifareClassicType;
  /** The 4-byte UID (NUID); default a fixed one. */
  readonly uid?: readonly number[];
  /** Data blocks' content by block number, 16 bytes each; default zeros. */
  readonly blocks?: Readonly<Record<number, readonly number[]>>;
  /** Sector trailers by sector number; default transport keys and conditions. */
  readonly sectors?: Readonly<Record<number, VirtualSectorInit>>;
  /**
   * false: the reader answers GENERAL AUTHENTICATE (FF 86) with 6D 00, as older readers
   * do, and only takes the obsolete AUTHENTICATE (FF 88). Default true.
   */
  readonly generalAuthenticate?: boolean;
}

/** What {@link VirtualMifareClassicChip.inspect} gives. */
export interface MifareClassicSnapshot {
  /** Which card. */
  readonly type: MifareClassicType;
  /** Every block, 16 bytes each, as the card holds them (keys A and B included). */
  readonly memory: Uint8Array;
  /** Sectors blocked for ever by a trailer whose access bits do not match their copy. */
  readonly blockedSectors: number[];
}

const DEFAULT_KEY = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
/** SAK and ATQA in the manufacturer block, per type. */
const MANUFACTURER: Readonly<Record<MifareClassicType, readonly number[]>> = {
  "1K": [0x08, 0x04, 0x00],
  "4K": [0x18, 0x02, 0x00],
  "Mini": [0x09, 0x04, 0x00],
};

/** The card and the reader in front of it, answering pseudo-APDUs. */
export class VirtualMifareClassicChip {
  readonly #layout: MifareClassicLayout;
  readonly #uid: number[];
  readonly #memory: Uint8Array;
  readonly #keys = new reader.KeySlots();
  readonly #generalAuthenticate: boolean;
  /** The sector authenticated, and with which key; gone on a failure or reset. */
  #session: { sector: number; key: "A" | "B" } | undefined;

  /** A card as delivered (transport configuration), or as `init` says. */
  constructor(init: VirtualMifareClassicInit = {}) {
    const layout = mifareClassicLayout(init.type ?? "1K");
    this.#layout = layout;
    const uid = init.uid ?? reader.defaultUid(4, layout.blocks);
    if (uid.length !== 4) throw new RangeError("the virtual MIFARE Classic has a 4-byte UID");
    this.#uid = Array.from(uid);
    this.#generalAuthenticate = init.generalAuthenticate ?? true;
    const memory = new Uint8Array(layout.blocks * 16);
    const bcc = uid.reduce((x, b) => x ^ b, 0);
    memory.set([...uid, bcc, ...MANUFACTURER[layout.type]]);
    for (const [block, bytes] of Object.entries(init.blocks ?? {})) {
      const b = Number(block);
      if (b === 0 || isSectorTrailer(layout, b) || bytes.length !== 16) {
        throw new RangeError(`blocks[${block}] must be 16 bytes of a data block other than 0`);
      }
      memory.set(bytes, b * 16);
    }
    for (let sector = 0; sector < layout.sectors; sector++) {
      const s = init.sectors?.[sector] ?? {};
      memory.set([
        ...(s.keyA ?? DEFAULT_KEY),
        ...encodeAccessBits(s.accessConditions ?? TRANSPORT_ACCESS_CONDITIONS),
        s.userByte ?? 0x69,
        ...(s.keyB ?? DEFAULT_KEY),
      ], trailerBlockOfSector(layout, sector) * 16);
    }
    this.#memory = memory;
  }

  /** The whole memory, for assertions. */
  inspect(): MifareClassicSnapshot {
    const blockedSectors = [];
    for (let s = 0; s < this.#layout.sectors; s++) {
      if (this.#conditions(s) === undefined) blockedSectors.push(s);
    }
    return { type: this.#layout.type, memory: this.#memory.slice(), blockedSectors };
  }

  /** A power cycle ends the authentication. */
  reset(): void {
    this.#session = undefined;
  }

  /** Answers one APDU as the reader and card would. */
  handle(apdu: Uint8Array): Uint8Array {
    // FF 88 00 block type slot: six bytes, its last three are not Lc and data
    if (apdu.length === 6 && apdu[0] === 0xff && apdu[1] === 0x88) {
      return this.#authenticate((apdu[2] << 8) | apdu[3], apdu[4], apdu[5]);
    }
    const command = reader.answerAsReader(apdu, this.#uid, this.#keys);
    if (command instanceof Uint8Array) return command;
    return reader.dispatch(command, {
      0x86: (c) => this.#generalAuthenticateCommand(c),
      0xb0: (c) => this.#read(c),
      0xd6: (c) => this.#write(c),
    });
  }

  #generalAuthenticateCommand(command: Command): Uint8Array {
    if (!this.#generalAuthenticate) return respond(SW.INS_NOT_SUPPORTED);
    if (command.p1 !== 0 || command.p2 !== 0) return respond(SW.WRONG_P1P2);
    const d = command.data;
    if (d.length !== 5 || d[0] !== 0x01) return respond(SW.WRONG_LENGTH);
    return this.#authenticate((d[1] << 8) | d[2], d[3], d[4]);
  }

  #authenticate(block: number, type: number, slot: number): Uint8Array {
    this.#session = undefined;
    if (type !== 0x60 && type !== 0x61) return respond(SW.NOT_ALLOWED);
    if (slot >= 2) return respond(SW.BAD_KEY_NUMBER);
    const key = this.#keys.get(slot);
    if (key === undefined) return respond(SW.KEY_NOT_USABLE);
    if (block >= this.#layout.blocks) return respond(SW.NOT_FOUND);
    const sector = sectorOfBlock(this.#layout, block);
    if (this.#conditions(sector) === undefined) return respond(SW.FAILED);
    const trailer = trailerBlockOfSector(this.#layout, sector) * 16;
    const stored = this.#memory.subarray(type === 0x60 ? trailer : trailer + 10).subarray(0, 6);
    if (!stored.every((b, i) => b === key[i])) return respond(SW.FAILED);
    this.#session = { sector, key: type === 0x60 ? "A" : "B" };
    return respond(SW.OK);
  }

  /** The sector's conditions, or undefined when its access bits are broken (blocked). */
  #conditions(sector: number): readonly number[] | undefined {
    const at = trailerBlockOfSector(this.#layout, sector) * 16;
    return decodeAccessBits(this.#memory.subarray(at + 6, at + 9));
  }

  /** Whether the session's key may do `use` in `block`'s sector; 69 82 when not. */
  #may(block: number, use: (bits: number, group: number) => KeyUse): boolean {
    const session = this.#session;
    if (session === undefined) return false;
    const sector = sectorOfBlock(this.#layout, block);
    if (session.sector !== sector) return false;
    const conditions = this.#conditions(sector)!;
    // a readable key B is data: authenticating with it grants nothing
    if (session.key === "B" && trailerAccess(conditions[3]).keyBReadable) return false;
    const group = accessGroupOfBlock(this.#layout, block);
    return allows(use(conditions[group], group), session.key);
  }

  #read(command: Command): Uint8Array {
    if (command.le === undefined || command.data.length > 0) return respond(SW.WRONG_LENGTH);
    if (command.le !== 16) return respond(0x6c10);
    const block = (command.p1 << 8) | command.p2;
    if (block >= this.#layout.blocks) return respond(SW.NOT_FOUND);
    if (!this.#may(block, (bits, group) => group === 3 ? "A|B" : dataBlockAccess(bits).read)) {
      return respond(SW.SECURITY);
    }
    const at = block * 16;
    const bytes = Array.from(this.#memory.subarray(at, at + 16));
    if (!isSectorTrailer(this.#layout, block)) return respond(SW.OK, bytes);
    const access = trailerAccess(this.#conditions(this.#session!.sector)![3]);
    const key = this.#session!.key;
    const view = [
      ...new Array(6).fill(0), // key A is never readable
      ...(allows(access.accessBitsRead, key) ? bytes.slice(6, 10) : [0, 0, 0, 0]),
      ...(allows(access.keyBRead, key) ? bytes.slice(10) : new Array(6).fill(0)),
    ];
    return respond(SW.OK, view);
  }

  #write(command: Command): Uint8Array {
    if (command.le !== undefined || command.data.length !== 16) return respond(SW.WRONG_LENGTH);
    const block = (command.p1 << 8) | command.p2;
    if (block >= this.#layout.blocks) return respond(SW.NOT_FOUND);
    if (block === 0) return respond(SW.FAILED); // the manufacturer block is read-only
    const at = block * 16;
    const bytes = command.data;
    if (!isSectorTrailer(this.#layout, block)) {
      if (!this.#may(block, (bits) => dataBlockAccess(bits).write)) return respond(SW.SECURITY);
      this.#memory.set(bytes, at);
      return respond(SW.OK);
    }
    if (!this.#may(block, () => "A|B")) return respond(SW.SECURITY);
    // Each part that changes must be writable with this key.
    const access = trailerAccess(this.#conditions(this.#session!.sector)![3]);
    const key = this.#session!.key;
    const old = this.#memory.subarray(at, at + 16);
    const changed = (from: number, to: number) =>
      bytes.some((b, i) => i >= from && i < to && b !== old[i]);
    if (
      (changed(0, 6) && !allows(access.keyAWrite, key)) ||
      (changed(6, 10) && !allows(access.accessBitsWrite, key)) ||
      (changed(10, 16) && !allows(access.keyBWrite, key))
    ) {
      return respond(SW.SECURITY);
    }
    this.#memory.set(bytes, at);
    // new conditions apply from the next authentication
    this.#session = undefined;
    return respond(SW.OK);
  }
}

function allows(use: KeyUse, key: "A" | "B"): boolean {
  return use === "A|B" || use === key;
}
