/**
 * BER-TLV as ISO/IEC 7816-4 (5.2.2) and EMV use it: FCI templates, EMV records, PIV objects.
 *
 * @module
 */

import { type Bytes, checkInteger, describe, toByteList } from "../smartcard/bytes.ts";
import { toHexString } from "../smartcard/util.ts";

/** Nesting deeper than this is refused: no card nests that deep, and recursion must end. */
const MAX_DEPTH = 32;
/** The longest value a length field here can state: `82 FF FF`. */
const MAX_LENGTH = 0xffff;

/**
 * One BER-TLV data object: a tag, and either a primitive value or, when the tag says it is
 * constructed (bit b6 of its first byte), the data objects its value holds.
 */
export class Tlv {
  /** The tag as a number made of its 1 to 3 bytes: `0x6F`, `0x9F38`, `0x5FC102`. */
  readonly tag: number;
  /** Whether the tag is constructed (its value is made of data objects). */
  readonly constructed: boolean;
  /** The value's bytes; for a constructed object, its children's encoding. */
  readonly value: Uint8Array;
  /** A constructed object's data objects, in order; empty for a primitive one. */
  readonly children: readonly Tlv[];
  /** Where the tag starts in the bytes given to {@linkcode parseTlv}. */
  readonly offset: number;

  /** An object as {@linkcode parseTlv} finds it. */
  constructor(
    tag: number,
    value: Uint8Array,
    children: readonly Tlv[],
    offset: number,
  ) {
    this.tag = tag;
    this.constructed = isConstructed(tag);
    this.value = value;
    this.children = Object.freeze([...children]);
    this.offset = offset;
  }

  /** The value's length in bytes. */
  get length(): number {
    return this.value.length;
  }

  /**
   * The first object down `path` among this object's children: each tag a child of the one
   * before. `undefined` when there is none.
   */
  find(...path: number[]): Tlv | undefined {
    return findTlv(this.children, ...path);
  }

  /** The tag in hex, then the value in hex or the children indented: a readable dump. */
  toString(): string {
    return dump([this], "");
  }
}

/** A data object to encode: a tag with a value, or a constructed tag with its children. */
export type TlvInput =
  | { readonly tag: number; readonly value: Bytes }
  | { readonly tag: number; readonly children: readonly TlvInput[] };

/**
 * Parses BER-TLV data objects: tags of 1 to 3 bytes, lengths of 1 to 3 bytes (`xx`, `81 xx`,
 * `82 xx xx`), constructed objects with their children, and the `00`/`FF` bytes ISO 7816-4
 * allows before, between and after objects (skipped, at every level).
 *
 * Malformed input is refused whole, never returned in part.
 *
 * @example
 * ```ts
 * import { findTlv, parseTlv, toBytes } from "@pcsc/smartcard";
 *
 * const fci = parseTlv(toBytes("6F 0E 84 07 A0 00 00 00 03 10 10 A5 03 50 01 41"));
 * findTlv(fci, 0x6f, 0x84)?.value; // Uint8Array [a0 00 00 00 03 10 10]
 * findTlv(fci, 0x6f, 0xa5, 0x50)?.value; // Uint8Array [41]
 * ```
 *
 * @throws TypeError/RangeError when `bytes` is not a byte sequence
 * @throws RangeError naming the offset: a tag that never ends or is longer than 3 bytes, a
 * truncated length, an indefinite length (`80`), a length field over 3 bytes, a value past
 * the end (of the input or of the enclosing object), nesting deeper than 32 levels
 */
export function parseTlv(bytes: Bytes): Tlv[] {
  const b = Uint8Array.from(toByteList(bytes, "bytes"));
  return parseRange(b, 0, b.length, 0);
}

function parseRange(b: Uint8Array, start: number, end: number, depth: number): Tlv[] {
  if (depth > MAX_DEPTH) {
    throw new RangeError(`BER-TLV nested deeper than ${MAX_DEPTH} levels at offset ${start}`);
  }
  const objects: Tlv[] = [];
  let i = start;
  while (i < end) {
    if (b[i] === 0x00 || b[i] === 0xff) { // padding between objects
      i++;
      continue;
    }
    const offset = i;
    // tag: a first byte whose b5-b1 are all 1 is followed by bytes whose b8 says "more"
    let tag = b[i++];
    if ((tag & 0x1f) === 0x1f) {
      let more = true;
      while (more) {
        if (i >= end) {
          throw new RangeError(`BER-TLV tag at offset ${offset} never ends: the data ends first`);
        }
        if (i - offset >= 3) {
          throw new RangeError(
            `BER-TLV tag at offset ${offset} is longer than 3 bytes, the most ISO 7816-4 allows`,
          );
        }
        const next = b[i++];
        tag = tag * 0x100 + next;
        more = (next & 0x80) !== 0;
      }
    }
    // length
    if (i >= end) {
      throw new RangeError(`BER-TLV object at offset ${offset} has no length: the data ends`);
    }
    const lengthOffset = i;
    const first = b[i++];
    let length: number;
    if (first < 0x80) {
      length = first;
    } else if (first === 0x80) {
      throw new RangeError(
        `BER-TLV length at offset ${lengthOffset} is 80, an indefinite length, which ISO ` +
          `7816-4 does not use`,
      );
    } else if (first <= 0x82) {
      const count = first & 0x7f;
      if (i + count > end) {
        throw new RangeError(
          `BER-TLV length at offset ${lengthOffset} is truncated: ${hex(first)} announces ` +
            `${count} length byte${count === 1 ? "" : "s"}, ${end - i} remain`,
        );
      }
      length = 0;
      for (let k = 0; k < count; k++) length = length * 0x100 + b[i++];
    } else {
      throw new RangeError(
        `BER-TLV length at offset ${lengthOffset} starts with ${hex(first)}: lengths of more ` +
          `than 3 bytes are not supported (81 xx and 82 xx xx are)`,
      );
    }
    if (i + length > end) {
      throw new RangeError(
        `BER-TLV value at offset ${i} is ${length} bytes long but only ${end - i} remain` +
          (depth > 0 ? ` in the object that holds it` : ``),
      );
    }
    const value = b.slice(i, i + length);
    const children = isConstructed(tag) ? parseRange(b, i, i + length, depth + 1) : [];
    objects.push(new Tlv(tag, value, children, offset));
    i += length;
  }
  return objects;
}

/**
 * Encodes data objects one after another. A constructed tag takes `children` (or an already
 * encoded `value`); a primitive tag takes `value`. Lengths take the shortest form.
 *
 * @example
 * ```ts
 * import { encodeTlv, toHexString } from "@pcsc/smartcard";
 *
 * toHexString(encodeTlv({ tag: 0x5c, value: [0x5f, 0xc1, 0x02] })); // "5C 03 5F C1 02"
 * toHexString(encodeTlv({ tag: 0x7c, children: [{ tag: 0x82, value: [] }] })); // "7C 02 82 00"
 * ```
 *
 * @throws TypeError when an object is neither `{ tag, value }` nor `{ tag, children }`
 * @throws RangeError when a tag is not a valid 1- to 3-byte tag, children are given to a
 * primitive tag, or a value is longer than 65,535 bytes
 */
export function encodeTlv(...objects: TlvInput[]): Uint8Array {
  const out: number[] = [];
  for (const object of objects) encodeOne(object, out, 0);
  return Uint8Array.from(out);
}

function encodeOne(object: TlvInput, out: number[], depth: number): void {
  if (typeof object !== "object" || object === null) {
    throw new TypeError(
      `a TLV object is { tag, value } or { tag, children }, not ${describe(object)}`,
    );
  }
  if (depth > MAX_DEPTH) throw new RangeError(`TLV objects nested deeper than ${MAX_DEPTH} levels`);
  const tagBytes = encodeTag(object.tag);
  let value: number[];
  if ("children" in object) {
    if (!isConstructed(object.tag)) {
      throw new RangeError(
        `tag ${hexTag(object.tag)} is primitive (b6 of its first byte is 0): it takes a value, ` +
          `not children`,
      );
    }
    if (!Array.isArray(object.children)) {
      throw new TypeError(`children of tag ${hexTag(object.tag)} must be an array`);
    }
    value = [];
    for (const child of object.children) encodeOne(child, value, depth + 1);
  } else if ("value" in object) {
    value = toByteList(object.value, `value of tag ${hexTag(object.tag)}`);
  } else {
    throw new TypeError(`a TLV object is { tag, value } or { tag, children }`);
  }
  const n = value.length;
  if (n > MAX_LENGTH) {
    throw new RangeError(
      `value of tag ${hexTag(object.tag)} is ${n} bytes long; at most ${MAX_LENGTH} (82 FF FF)`,
    );
  }
  out.push(...tagBytes);
  if (n < 0x80) out.push(n);
  else if (n <= 0xff) out.push(0x81, n);
  else out.push(0x82, n >> 8, n & 0xff);
  for (const byte of value) out.push(byte);
}

/** The bytes of `tag`, checked to be a tag the parser would read back as the same number. */
function encodeTag(tag: number): number[] {
  checkInteger(tag, "tag", 0x01, 0xffffff);
  const bytes = tag > 0xffff
    ? [tag >> 16, (tag >> 8) & 0xff, tag & 0xff]
    : tag > 0xff
    ? [tag >> 8, tag & 0xff]
    : [tag];
  const multi = (bytes[0] & 0x1f) === 0x1f;
  const valid = bytes[0] !== 0x00 && bytes[0] !== 0xff &&
    (bytes.length === 1
      ? !multi
      : multi && bytes.slice(1, -1).every((x) => x & 0x80) && !(bytes[bytes.length - 1] & 0x80));
  if (!valid) {
    throw new RangeError(
      `tag ${hexTag(tag)} is not a BER-TLV tag: a first byte with b5-b1 all 1 is followed by ` +
        `bytes with b8 set on all but the last; any other first byte stands alone (and 00 and FF ` +
        `are padding)`,
    );
  }
  return bytes;
}

/**
 * The first object down `path`: the first tag among `objects`, each next tag among the
 * children of the object found before. `undefined` when there is none.
 *
 * @example
 * ```ts
 * import { findTlv, parseTlv, toBytes } from "@pcsc/smartcard";
 * findTlv(parseTlv(toBytes("70 05 5A 03 12 34 56")), 0x70, 0x5a)?.length; // 3
 * ```
 */
export function findTlv(objects: readonly Tlv[], ...path: number[]): Tlv | undefined {
  let level: readonly Tlv[] = objects;
  let found: Tlv | undefined;
  for (const tag of path) {
    found = level.find((object) => object.tag === tag);
    if (found === undefined) return undefined;
    level = found.children;
  }
  return found;
}

function isConstructed(tag: number): boolean {
  const first = tag > 0xffff ? tag >> 16 : tag > 0xff ? tag >> 8 : tag;
  return (first & 0x20) !== 0;
}

function dump(objects: readonly Tlv[], indent: string): string {
  return objects.map((o) =>
    o.constructed
      ? `${indent}${hexTag(o.tag)}\n${dump(o.children, indent + "  ")}`
      : `${indent}${hexTag(o.tag)} ${toHexString(o.value)}`
  ).join("\n");
}

function hexTag(tag: number): string {
  const digits = tag.toString(16).toUpperCase();
  return digits.padStart(digits.length + (digits.length % 2), "0");
}

function hex(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, "0");
}
