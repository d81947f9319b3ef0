/**
 * A command APDU as a value: built from its fields or parsed from bytes, encoded by ISO/IEC
 * 7816-4's cases 1 to 4, short and extended, exactly as `javax.smartcardio.CommandAPDU` does.
 *
 * @module
 */

import { type Bytes, checkInteger, describe, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";

/** The fields of a command APDU; `data` and `ne` may be left out. */
export interface CommandAPDUFields {
  /** The class byte CLA, 0..255. */
  readonly cla: number;
  /** The instruction byte INS, 0..255. */
  readonly ins: number;
  /** Parameter byte P1, 0..255. */
  readonly p1: number;
  /** Parameter byte P2, 0..255. */
  readonly p2: number;
  /** The command data, 0 to 65,535 bytes; none by default. */
  readonly data?: Bytes;
  /** Ne, the most response bytes expected, 0 to 65,536; 0 (no Le field) by default. */
  readonly ne?: number;
}

/** The most data bytes a command carries (an extended Lc). */
const MAX_NC = 65535;
/** The most response bytes a command can ask for (an extended Le of `00 00`). */
const MAX_NE = 65536;

/**
 * A command APDU (ISO/IEC 7816-4 5.1): header CLA INS P1 P2, then an optional Lc field with
 * the command data, then an optional Le field.
 *
 * The encoding follows javax.smartcardio's rules, which are ISO's: with no data and `ne` 0 the
 * command is case 1; `ne` alone makes case 2, data alone case 3, both case 4. The short form
 * is used while the data has at most 255 bytes and `ne` is at most 256 (`ne` 256 is written
 * `00`); beyond, the command is extended: Lc is `00 hh ll`, Le `hh ll` after data or `00 hh ll`
 * without, and `ne` 65,536 is written `00 00`. Parsing accepts what javax.smartcardio accepts
 * (which includes an extended length field holding a value a short one could) and keeps the
 * bytes as given; it refuses the rest with a `RangeError` saying why.
 *
 * Unlike javax.smartcardio, a header field outside 0..255 is refused rather than truncated.
 * Instances are immutable: `data` and `bytes` return copies.
 *
 * @example
 * ```ts
 * import { CommandAPDU } from "@pcsc/smartcard";
 *
 * const aid = [0xa0, 0x00, 0x00, 0x00, 0x03, 0x10, 0x10];
 * const select = new CommandAPDU({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: aid, ne: 256 });
 * select.toString(); // "00 A4 04 00 07 A0 00 00 00 03 10 10 00"
 * CommandAPDU.parse([0x00, 0xb0, 0x00, 0x00, 0x00, 0x01, 0x00]).ne; // 256, an extended Le
 * ```
 */
export class CommandAPDU {
  /** The class byte CLA. */
  readonly cla: number;
  /** The instruction byte INS. */
  readonly ins: number;
  /** Parameter byte P1. */
  readonly p1: number;
  /** Parameter byte P2. */
  readonly p2: number;
  /** Nc, the number of command data bytes (0 when there is no Lc field). */
  readonly nc: number;
  /** Ne, the most response bytes expected (0 when there is no Le field). */
  readonly ne: number;
  #bytes: Uint8Array;
  #dataOffset: number;

  /**
   * Builds a command from its fields.
   *
   * @throws TypeError when a field is not a number or `data` is not bytes
   * @throws RangeError when a header byte is outside 0..255, `data` is longer than 65,535 bytes
   * or `ne` is outside 0..65,536
   */
  constructor(fields: CommandAPDUFields) {
    if (typeof fields !== "object" || fields === null) {
      throw new TypeError(
        `CommandAPDU takes { cla, ins, p1, p2, data?, ne? }, not ${describe(fields)}`,
      );
    }
    const cla = checkInteger(fields.cla, "cla", 0, 0xff);
    const ins = checkInteger(fields.ins, "ins", 0, 0xff);
    const p1 = checkInteger(fields.p1, "p1", 0, 0xff);
    const p2 = checkInteger(fields.p2, "p2", 0, 0xff);
    const data = fields.data === undefined ? [] : toByteList(fields.data, "data");
    if (data.length > MAX_NC) {
      throw new RangeError(
        `data is ${data.length} bytes long; a command carries at most ${MAX_NC} (an extended Lc)`,
      );
    }
    const ne = fields.ne === undefined ? 0 : checkInteger(fields.ne, "ne", 0, MAX_NE);
    const nc = data.length;
    const extended = nc > 255 || ne > 256;
    const lc = nc === 0 ? [] : extended ? [0, nc >> 8, nc & 0xff] : [nc];
    const le = ne === 0 ? [] : extended
      // without Lc the extended Le has its own leading 00; 65,536 is written 00 00
      ? [...(nc === 0 ? [0] : []), (ne >> 8) & 0xff, ne & 0xff]
      : [ne & 0xff];
    const bytes = new Uint8Array(4 + lc.length + nc + le.length);
    bytes.set([cla, ins, p1, p2, ...lc]);
    bytes.set(data, 4 + lc.length);
    bytes.set(le, 4 + lc.length + nc);
    this.cla = cla;
    this.ins = ins;
    this.p1 = p1;
    this.p2 = p2;
    this.nc = nc;
    this.ne = ne;
    this.#bytes = bytes;
    this.#dataOffset = 4 + lc.length;
  }

  /**
   * Parses a command APDU, as `new javax.smartcardio.CommandAPDU(byte[])` does.
   *
   * @param bytes the whole command, header first
   * @throws TypeError/RangeError when `bytes` is not a byte sequence
   * @throws RangeError when no ISO case fits the bytes: shorter than the header, a length
   * field that disagrees with the bytes that follow it, a truncated extended length, an
   * extended Lc of 0
   */
  static parse(bytes: Bytes): CommandAPDU {
    const b = toByteList(bytes, "command");
    const { nc, ne, dataOffset } = lengthsOf(b);
    const command = new CommandAPDU({
      cla: b[0],
      ins: b[1],
      p1: b[2],
      p2: b[3],
      data: b.slice(dataOffset, dataOffset + nc),
      ne,
    });
    // The bytes stay as given: an extended length where a short one would do is valid, and
    // javax.smartcardio keeps it too.
    command.#bytes = Uint8Array.from(b);
    command.#dataOffset = dataOffset;
    return command;
  }

  /** The ISO/IEC 7816-4 case: 1 (header only), 2 (Le), 3 (Lc and data) or 4 (both). */
  get case(): 1 | 2 | 3 | 4 {
    return this.nc === 0 ? (this.ne === 0 ? 1 : 2) : (this.ne === 0 ? 3 : 4);
  }

  /**
   * Whether the length fields are extended: data over 255 bytes or `ne` over 256 when built
   * from fields; as the bytes are when parsed (an extended length may encode a small value).
   */
  get extended(): boolean {
    return this.#bytes.length > 5 && this.#bytes[4] === 0;
  }

  /** The command data (a copy); empty when the command has none. */
  get data(): Uint8Array {
    return this.#bytes.slice(this.#dataOffset, this.#dataOffset + this.nc);
  }

  /** The whole encoded command (a copy). */
  get bytes(): Uint8Array {
    return this.#bytes.slice();
  }

  /** The whole encoded command as a list of numbers, the form pyscard's `transmit` takes. */
  toBytes(): number[] {
    return Array.from(this.#bytes);
  }

  /** The encoded command as uppercase hexadecimal pairs: `"00 A4 04 00 02 3F 00"`. */
  toString(): string {
    return toHexString(this.#bytes);
  }
}

/** "1 byte follows", "3 bytes follow". */
function following(n: number): string {
  return n === 1 ? "1 byte follows" : `${n} bytes follow`;
}

/** Where the data is and what Ne is, by javax.smartcardio's parsing rules. */
function lengthsOf(b: readonly number[]): { nc: number; ne: number; dataOffset: number } {
  const n = b.length;
  if (n < 4) {
    throw new RangeError(
      `command is ${n} byte${n === 1 ? "" : "s"} long: an APDU has at least the 4 header ` +
        `bytes CLA INS P1 P2`,
    );
  }
  if (n === 4) return { nc: 0, ne: 0, dataOffset: 4 }; // case 1
  const b4 = b[4];
  if (n === 5) return { nc: 0, ne: b4 === 0 ? 256 : b4, dataOffset: 5 }; // case 2 short
  if (b4 !== 0) {
    if (n === 5 + b4) return { nc: b4, ne: 0, dataOffset: 5 }; // case 3 short
    if (n === 6 + b4) { // case 4 short
      const le = b[n - 1];
      return { nc: b4, ne: le === 0 ? 256 : le, dataOffset: 5 };
    }
    throw new RangeError(
      `command's Lc (5th byte) is ${b4} but ${following(n - 5)} it: a short ` +
        `command with ${b4} data bytes is ${5 + b4} bytes long, or ${6 + b4} with Le`,
    );
  }
  if (n < 7) {
    throw new RangeError(
      `command's 5th byte is 00, which opens a 3-byte extended length, but the command ends ` +
        `after ${n} bytes: the extended length is truncated`,
    );
  }
  const l = (b[5] << 8) | b[6];
  if (n === 7) return { nc: 0, ne: l === 0 ? 65536 : l, dataOffset: 7 }; // case 2 extended
  if (l === 0) {
    throw new RangeError(
      `command's extended Lc (5th to 7th bytes) is 00 00 00, but ${n - 7} bytes follow it: an ` +
        `extended Lc counts 1 to 65,535 data bytes`,
    );
  }
  if (n === 7 + l) return { nc: l, ne: 0, dataOffset: 7 }; // case 3 extended
  if (n === 9 + l) { // case 4 extended
    const le = (b[n - 2] << 8) | b[n - 1];
    return { nc: l, ne: le === 0 ? 65536 : le, dataOffset: 7 };
  }
  throw new RangeError(
    `command's extended Lc (5th to 7th bytes) is ${l} but ${following(n - 7)} ` +
      `it: an extended command with ${l} data bytes is ${7 + l} bytes long, or ${9 + l} with Le`,
  );
}
