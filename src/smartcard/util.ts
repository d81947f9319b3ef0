/**
 * pyscard's `smartcard.util`: byte lists to and from hexadecimal, ASCII and GSM 03.38 text.
 *
 * Every function that takes bytes accepts a `number[]` or a `Uint8Array`, and refuses
 * anything that is not a sequence of integers 0..255 with a `TypeError` or `RangeError`
 * naming the argument, where pyscard would mask, raise an unrelated error, or go on.
 *
 * @module
 */

import { type Bytes as ByteInput, describe, toByteList } from "./bytes.ts";

/** `toHexString` flag: no blank between bytes. */
export const PACK = 1;
/** `toHexString` flag: prefix every byte with `0x`. */
export const HEX = 2;
/** `toHexString` flag: with {@link HEX}, prefix with `0X` instead. */
export const UPPERCASE = 4;
/** `toHexString` flag: a comma between bytes. */
export const COMMA = 8;

/**
 * Renders bytes as hexadecimal pairs: `"3B 65 00"` by default, changed by the flags
 * {@link PACK}, {@link HEX}, {@link UPPERCASE} and {@link COMMA} or-ed into `format`.
 * No bytes (or none given) render as `""`.
 *
 * @example
 * ```ts
 * import { COMMA, HEX, PACK, toHexString } from "@pcsc/smartcard";
 * toHexString([0x3b, 0x65, 0x00]); // "3B 65 00"
 * toHexString([0x3b, 0x65, 0x00], HEX | COMMA); // "0x3B, 0x65, 0x00"
 * toHexString([0x3b, 0x65, 0x00], PACK); // "3B6500"
 * ```
 *
 * @throws TypeError/RangeError for non-byte data or a format other than an integer 0..15
 */
export function toHexString(data?: ByteInput | null, format: number = 0): string {
  if (!Number.isInteger(format) || format < 0 || format > 0x0f) {
    throw new RangeError(
      `format must be PACK, HEX, UPPERCASE and COMMA or-ed (an integer 0..15), got ${
        describe(format)
      }`,
    );
  }
  if (data === undefined || data === null) return "";
  const bytes = toByteList(data, "data");
  let separator = format & COMMA ? "," : "";
  if (!(format & PACK)) separator += " ";
  const prefix = format & HEX ? (format & UPPERCASE ? "0X" : "0x") : "";
  return bytes.map((b) => prefix + b.toString(16).toUpperCase().padStart(2, "0")).join(separator);
}

// Python's bytes.fromhex skips ASCII whitespace between byte pairs, never inside one.
const HEX_WHITESPACE = new Set([" ", "\t", "\n", "\r", "\v", "\f"]);

/**
 * Parses hexadecimal pairs into bytes, as Python's `bytes.fromhex`: whitespace is allowed
 * between pairs, case does not matter.
 *
 * @example
 * ```ts
 * import { toBytes } from "@pcsc/smartcard";
 * toBytes("3B 65 00 00 9C 11 01 01 03"); // [59, 101, 0, 0, 156, 17, 1, 1, 3]
 * toBytes("3B6500009C11010103"); // the same
 * ```
 *
 * @throws TypeError when `hex` is not a string of hexadecimal pairs
 */
export function toBytes(hex: string): number[] {
  if (typeof hex !== "string") {
    throw new TypeError(`toBytes: hex must be a string, got ${describe(hex)}`);
  }
  const bytes: number[] = [];
  let i = 0;
  while (i < hex.length) {
    if (HEX_WHITESPACE.has(hex[i])) {
      i++;
      continue;
    }
    const pair = hex.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) {
      const what = pair.length < 2
        ? `a lone hex digit ${JSON.stringify(pair)} at the end`
        : `${JSON.stringify(pair)} at index ${i}, not a hex byte`;
      throw new TypeError(`toBytes: not a string representing a list of bytes: ${what}`);
    }
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  return bytes;
}

/**
 * Renders bytes as text, one character per byte, with a `.` for every byte outside
 * pyscard's printable range 32..127.
 *
 * @example
 * ```ts
 * import { toASCIIString } from "@pcsc/smartcard";
 * toASCIIString([0x4e, 0x75, 0x6d, 0x62, 0x65, 0x72]); // "Number"
 * toASCIIString([0x01, 0x20, 0x80, 0x7e, 0xf0]); // ". .~."
 * ```
 */
export function toASCIIString(bytes: ByteInput): string {
  return toByteList(bytes, "bytes")
    .map((c) => (c >= 32 && c <= 127 ? String.fromCharCode(c) : "."))
    .join("");
}

/**
 * Encodes a string as UTF-8 bytes (pyscard's name says ASCII; ASCII text is unchanged).
 *
 * @example
 * ```ts
 * import { toASCIIBytes } from "@pcsc/smartcard";
 * toASCIIBytes("Number 101"); // [78, 117, 109, 98, 101, 114, 32, 49, 48, 49]
 * ```
 */
export function toASCIIBytes(s: string): number[] {
  if (typeof s !== "string") {
    throw new TypeError(`toASCIIBytes: s must be a string, got ${describe(s)}`);
  }
  return Array.from(new TextEncoder().encode(s));
}

/**
 * Returns a copy of `bytes` padded with `padding` up to `length` bytes; no padding when
 * `bytes` is already that long or longer.
 *
 * @param padding the padding byte, as pyscard's hexadecimal string (`"FF"`, `"0x80"`) or a number
 *
 * @example
 * ```ts
 * import { padd } from "@pcsc/smartcard";
 * padd([0x3b, 0x65], 4); // [0x3b, 0x65, 0xff, 0xff]
 * padd([0x3b, 0x65], 3, "80"); // [0x3b, 0x65, 0x80]
 * ```
 */
export function padd(bytes: ByteInput, length: number, padding: string | number = "FF"): number[] {
  const padded = toByteList(bytes, "bytes");
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`padd: length must be a non-negative integer, got ${describe(length)}`);
  }
  const pad = parsePadding(padding);
  while (padded.length < length) padded.push(pad);
  return padded;
}

function parsePadding(padding: string | number): number {
  let value: number;
  if (typeof padding === "number") {
    value = padding;
  } else if (typeof padding === "string" && /^\s*(0[xX])?[0-9a-fA-F]+\s*$/.test(padding)) {
    value = parseInt(padding, 16);
  } else {
    throw new TypeError(
      `padd: padding must be a hexadecimal byte such as "FF", got ${describe(padding)}`,
    );
  }
  if (!Number.isInteger(value) || value < 0 || value > 0xff) {
    throw new RangeError(`padd: padding must be a byte 0..255, got ${describe(padding)}`);
  }
  return value;
}

// pyscard's __dic_GSM_3_38__: the GSM 03.38 default-alphabet characters whose code differs
// from ASCII, or which are not ASCII at all. 0x1B (escape to the extension table) has none.
const GSM_3_38: ReadonlyMap<string, number> = new Map([
  ["@", 0x00],
  ["£", 0x01],
  ["$", 0x02],
  ["¥", 0x03],
  ["è", 0x04],
  ["é", 0x05],
  ["ù", 0x06],
  ["ì", 0x07],
  ["ò", 0x08],
  ["Ç", 0x09],
  ["\n", 0x0A],
  ["Ø", 0x0B],
  ["ø", 0x0C],
  ["\r", 0x0D],
  ["Å", 0x0E],
  ["å", 0x0F],
  ["Δ", 0x10],
  ["_", 0x11],
  ["Φ", 0x12],
  ["Γ", 0x13],
  ["Λ", 0x14],
  ["Ω", 0x15],
  ["Π", 0x16],
  ["Ψ", 0x17],
  ["Σ", 0x18],
  ["Θ", 0x19],
  ["Ξ", 0x1A],
  ["Æ", 0x1C],
  ["æ", 0x1D],
  ["ß", 0x1E],
  ["É", 0x1F],
  [" ", 0x20],
  ["!", 0x21],
  ['"', 0x22],
  ["#", 0x23],
  ["¤", 0x24],
  ["¡", 0x40],
  ["Ä", 0x5B],
  ["Ö", 0x5C],
  ["Ñ", 0x5D],
  ["Ü", 0x5E],
  ["§", 0x5F],
  ["¿", 0x60],
  ["ä", 0x7B],
  ["ö", 0x7C],
  ["ñ", 0x7D],
  ["ü", 0x7E],
  ["à", 0x7F],
]);

/**
 * Encodes text in the GSM 03.38 default alphabet (7-bit codes, one byte each, unpacked).
 * A `Uint8Array` is first decoded as ISO 8859-1, as pyscard does with `bytes`.
 *
 * @example
 * ```ts
 * import { toGSM3_38Bytes } from "@pcsc/smartcard";
 * toGSM3_38Bytes("@ùPascal"); // [0, 6, 80, 97, 115, 99, 97, 108]
 * ```
 *
 * @throws RangeError for a character the default alphabet lacks (such as `€`, `[` or `{`,
 * which need the extension table), where pyscard raises KeyError
 */
export function toGSM3_38Bytes(text: string | Uint8Array): number[] {
  // Not TextDecoder("latin1"): WHATWG maps that label to windows-1252, not ISO 8859-1.
  const s = text instanceof Uint8Array
    ? Array.from(text, (b) => String.fromCharCode(b)).join("")
    : text;
  if (typeof s !== "string") {
    throw new TypeError(
      `toGSM3_38Bytes: text must be a string or a Uint8Array, got ${describe(text)}`,
    );
  }
  const result: number[] = [];
  let index = 0;
  for (const char of s) {
    if (
      ("%" <= char && char <= "?") || ("A" <= char && char <= "Z") || ("a" <= char && char <= "z")
    ) {
      result.push(char.charCodeAt(0));
    } else {
      const code = GSM_3_38.get(char);
      if (code === undefined) {
        throw new RangeError(
          `toGSM3_38Bytes: ${JSON.stringify(char)} at index ${index} has no GSM 03.38 ` +
            "default-alphabet code",
        );
      }
      result.push(code);
    }
    index += char.length;
  }
  return result;
}

/**
 * Decodes UTF-8 bytes into a string.
 *
 * @deprecated as in pyscard; use `new TextDecoder().decode(new Uint8Array(bytes))`.
 * @throws TypeError when the bytes are not valid UTF-8
 *
 * @example
 * ```ts
 * import { HexListToBinString } from "@pcsc/smartcard";
 * HexListToBinString([78, 117, 109, 98, 101, 114]); // "Number"
 * ```
 */
export function HexListToBinString(hexlist: ByteInput): string {
  const bytes = new Uint8Array(toByteList(hexlist, "hexlist"));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new TypeError("HexListToBinString: hexlist is not valid UTF-8", { cause });
  }
}

/**
 * Encodes a string as UTF-8 bytes.
 *
 * @deprecated as in pyscard; use `Array.from(new TextEncoder().encode(binstring))`.
 *
 * @example
 * ```ts
 * import { BinStringToHexList } from "@pcsc/smartcard";
 * BinStringToHexList("Number"); // [78, 117, 109, 98, 101, 114]
 * ```
 */
export function BinStringToHexList(binstring: string): number[] {
  if (typeof binstring !== "string") {
    throw new TypeError(
      `BinStringToHexList: binstring must be a string, got ${describe(binstring)}`,
    );
  }
  return Array.from(new TextEncoder().encode(binstring));
}

/**
 * pyscard's short name for {@link HexListToBinString}.
 *
 * @deprecated as in pyscard; use `new TextDecoder().decode(new Uint8Array(bytes))`.
 */
export const hl2bs: (hexlist: ByteInput) => string = HexListToBinString;

/**
 * pyscard's short name for {@link BinStringToHexList}.
 *
 * @deprecated as in pyscard; use `Array.from(new TextEncoder().encode(binstring))`.
 */
export const bs2hl: (binstring: string) => number[] = BinStringToHexList;
