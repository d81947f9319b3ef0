/**
 * A virtual NFC Forum Type 4 tag (ISO 14443-4) behind a PC/SC Part 3 reader: the NDEF tag
 * application `D2 76 00 00 85 01 01` (SELECT by name, P2 00 or 0C), its capability
 * container file E103 and its NDEF file, READ BINARY and UPDATE BINARY within the MLe and
 * MLc the capability container announces, and the reader's GET DATA (UID, ATS historical
 * bytes).
 *
 * @module
 */

import {
  answerGetData,
  type Command,
  defaultUid,
  dispatch,
  parseCommand,
  respond,
  SW,
} from "./part3_reader.ts";
import { NDEF_APPLICATION } from "../nfc/type4_ndef.ts";

/** The capability container's file identifier. */
export const CC_FILE = 0xe103;
/** The NDEF file's identifier in the virtual tag. */
export const NDEF_FILE = 0xe104;

/** What a virtual Type 4 tag is and holds at first (structured-cloneable). */
export interface VirtualType4TagInit {
  /** The 7-byte UID; default one starting with 04. */
  readonly uid?: readonly number[];
  /** The ATS's historical bytes; default `80` (a MIFARE DESFire's). */
  readonly historicalBytes?: readonly number[];
  /** The NDEF message the NDEF file holds after NLEN; default none (NLEN 0). */
  readonly ndefMessage?: readonly number[];
  /** The NDEF file's size, NLEN included; default 1024. */
  readonly ndefFileSize?: number;
  /** The most a READ BINARY may ask for (MLe); default 59 (0x3B). */
  readonly mle?: number;
  /** The most an UPDATE BINARY may carry (MLc); default 52 (0x34). */
  readonly mlc?: number;
  /** true: the NDEF file's write access is FF (read-only). Default false. */
  readonly readOnly?: boolean;
}

/** What {@link VirtualType4TagChip.inspect} gives. */
export interface Type4Snapshot {
  /** The capability container file. */
  readonly capabilityContainer: Uint8Array;
  /** The NDEF file: NLEN (2 bytes), then the message, then the rest of the file. */
  readonly ndefFile: Uint8Array;
}

/** The tag and the reader in front of it. */
export class VirtualType4TagChip {
  readonly #uid: number[];
  readonly #historical: number[];
  readonly #cc: Uint8Array;
  readonly #ndef: Uint8Array;
  readonly #mle: number;
  readonly #mlc: number;
  readonly #readOnly: boolean;
  #selected = false;
  #file: Uint8Array | undefined;

  /** A tag as `init` says. */
  constructor(init: VirtualType4TagInit = {}) {
    this.#uid = Array.from(init.uid ?? defaultUid(7, 4));
    this.#historical = Array.from(init.historicalBytes ?? [0x80]);
    const size = init.ndefFileSize ?? 1024;
    if (!Number.isInteger(size) || size < 3 || size > 0x7fff) {
      throw new RangeError("ndefFileSize must be 3..32767");
    }
    this.#mle = init.mle ?? 0x3b;
    this.#mlc = init.mlc ?? 0x34;
    this.#readOnly = init.readOnly ?? false;
    const message = init.ndefMessage ?? [];
    if (message.length > size - 2) throw new RangeError("the NDEF message exceeds the file");
    this.#ndef = new Uint8Array(size);
    this.#ndef.set([message.length >> 8, message.length & 0xff, ...message]);
    this.#cc = Uint8Array.from([
      0x00,
      0x0f, // CCLEN
      0x20, // mapping version 2.0
      this.#mle >> 8,
      this.#mle & 0xff,
      this.#mlc >> 8,
      this.#mlc & 0xff,
      0x04, // NDEF file control TLV
      0x06,
      NDEF_FILE >> 8,
      NDEF_FILE & 0xff,
      size >> 8,
      size & 0xff,
      0x00, // read access: free
      this.#readOnly ? 0xff : 0x00,
    ]);
  }

  /** The files, for assertions. */
  inspect(): Type4Snapshot {
    return { capabilityContainer: this.#cc.slice(), ndefFile: this.#ndef.slice() };
  }

  /** A power cycle deselects the application. */
  reset(): void {
    this.#selected = false;
    this.#file = undefined;
  }

  /** Answers one APDU as the reader (class FF) or the tag (class 00) would. */
  handle(apdu: Uint8Array): Uint8Array {
    const command = parseCommand(apdu);
    if (command === undefined) return respond(SW.WRONG_LENGTH);
    if (command.cla === 0xff) {
      if (command.ins !== 0xca) return respond(SW.NOT_SUPPORTED);
      if (command.p1 > 1) return respond(SW.WRONG_P1P2);
      return answerGetData(command, command.p1 === 0 ? this.#uid : this.#historical);
    }
    if (command.cla !== 0x00) return respond(SW.CLA_NOT_SUPPORTED);
    return dispatch(command, {
      0xa4: (c) => this.#select(c),
      0xb0: (c) => this.#read(c),
      0xd6: (c) => this.#update(c),
    });
  }

  #select(command: Command): Uint8Array {
    const { p1, p2, data } = command;
    if (p2 !== 0x00 && p2 !== 0x0c) return respond(SW.WRONG_P1P2);
    if (p1 === 0x04) {
      const match = data.length === NDEF_APPLICATION.length &&
        data.every((b, i) => b === NDEF_APPLICATION[i]);
      if (!match) return respond(SW.NOT_FOUND);
      this.#selected = true;
      this.#file = undefined;
      return respond(SW.OK);
    }
    if (p1 === 0x00) {
      if (!this.#selected || data.length !== 2) return respond(SW.NOT_FOUND);
      const id = (data[0] << 8) | data[1];
      if (id === CC_FILE) this.#file = this.#cc;
      else if (id === NDEF_FILE) this.#file = this.#ndef;
      else return respond(SW.NOT_FOUND);
      return respond(SW.OK);
    }
    return respond(SW.WRONG_P1P2);
  }

  #read(command: Command): Uint8Array {
    const file = this.#file;
    if (file === undefined) return respond(SW.NOT_ALLOWED);
    if (command.le === undefined || command.data.length > 0) return respond(SW.WRONG_LENGTH);
    const le = command.le === 0 ? 256 : command.le;
    if (le > this.#mle) return respond(SW.WRONG_LENGTH);
    const offset = (command.p1 << 8) | command.p2;
    if (command.p1 & 0x80) return respond(SW.WRONG_P1P2);
    if (offset >= file.length) return respond(SW.WRONG_P1P2);
    const data = file.subarray(offset, offset + le);
    return respond(data.length < le ? SW.END_OF_DATA : SW.OK, data);
  }

  #update(command: Command): Uint8Array {
    const file = this.#file;
    if (file === undefined) return respond(SW.NOT_ALLOWED);
    if (file === this.#cc || this.#readOnly) return respond(SW.SECURITY);
    if (command.le !== undefined) return respond(SW.WRONG_LENGTH);
    if (command.data.length > this.#mlc) return respond(SW.WRONG_LENGTH);
    if (command.p1 & 0x80) return respond(SW.WRONG_P1P2);
    const offset = (command.p1 << 8) | command.p2;
    if (offset + command.data.length > file.length) return respond(SW.FILE_FULL);
    file.set(command.data, offset);
    return respond(SW.OK);
  }
}
