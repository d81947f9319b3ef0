// smartcard.util: hexadecimal, ASCII and GSM 03.38 conversions, with pyscard's test cases
// and the input validation pyscard lacks.
import assert from "node:assert/strict";
import {
  BinStringToHexList,
  bs2hl,
  COMMA,
  HEX,
  HexListToBinString,
  hl2bs,
  PACK,
  padd,
  toASCIIBytes,
  toASCIIString,
  toBytes,
  toGSM3_38Bytes,
  toHexString,
  UPPERCASE,
} from "../../src/smartcard/util.ts";

const VALS = [0x3b, 0x65, 0x00, 0x00, 0x9c, 0x11, 0x01, 0x01, 0x03];

Deno.test("the toHexString flags have pyscard's values PACK 1, HEX 2, UPPERCASE 4, COMMA 8", () => {
  assert.deepEqual([PACK, HEX, UPPERCASE, COMMA], [1, 2, 4, 8]);
});

Deno.test("toHexString renders every one of the 16 flag combinations as pyscard", () => {
  // From pyscard's test_util.py and doctests; UPPERCASE alone changes nothing (it needs HEX).
  const table: [number, string][] = [
    [0, "3B 65 00 00 9C 11 01 01 03"],
    [PACK, "3B6500009C11010103"],
    [HEX, "0x3B 0x65 0x00 0x00 0x9C 0x11 0x01 0x01 0x03"],
    [HEX | PACK, "0x3B0x650x000x000x9C0x110x010x010x03"],
    [UPPERCASE, "3B 65 00 00 9C 11 01 01 03"],
    [UPPERCASE | PACK, "3B6500009C11010103"],
    [HEX | UPPERCASE, "0X3B 0X65 0X00 0X00 0X9C 0X11 0X01 0X01 0X03"],
    [HEX | UPPERCASE | PACK, "0X3B0X650X000X000X9C0X110X010X010X03"],
    [COMMA, "3B, 65, 00, 00, 9C, 11, 01, 01, 03"],
    [COMMA | PACK, "3B,65,00,00,9C,11,01,01,03"],
    [COMMA | HEX, "0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03"],
    [COMMA | HEX | PACK, "0x3B,0x65,0x00,0x00,0x9C,0x11,0x01,0x01,0x03"],
    [COMMA | UPPERCASE, "3B, 65, 00, 00, 9C, 11, 01, 01, 03"],
    [COMMA | UPPERCASE | PACK, "3B,65,00,00,9C,11,01,01,03"],
    [COMMA | HEX | UPPERCASE, "0X3B, 0X65, 0X00, 0X00, 0X9C, 0X11, 0X01, 0X01, 0X03"],
    [COMMA | HEX | UPPERCASE | PACK, "0X3B,0X65,0X00,0X00,0X9C,0X11,0X01,0X01,0X03"],
  ];
  assert.equal(new Set(table.map(([format]) => format)).size, 16);
  for (const [format, want] of table) {
    assert.equal(toHexString(VALS, format), want, `format ${format}`);
  }
});

Deno.test("toHexString renders a single byte without any separator", () => {
  assert.equal(toHexString([0xa], COMMA | HEX), "0x0A");
  assert.equal(toHexString([0xff], PACK), "FF");
});

Deno.test("toHexString renders nothing, null, undefined and [] as the empty string", () => {
  assert.equal(toHexString(), "");
  assert.equal(toHexString(undefined, HEX), "");
  assert.equal(toHexString(null), "");
  assert.equal(toHexString([]), "");
  assert.equal(toHexString(new Uint8Array()), "");
});

Deno.test("toHexString takes a Uint8Array as well as a number[]", () => {
  assert.equal(toHexString(new Uint8Array(VALS)), "3B 65 00 00 9C 11 01 01 03");
});

Deno.test("toHexString refuses non-bytes where pyscard would mask them to 8 bits", () => {
  assert.throws(() => toHexString([0x100]), {
    name: "RangeError",
    message: "data[0] must be a byte (0..255), not 256",
  });
  assert.throws(() => toHexString([1, -1]), /data\[1\] must be a byte \(0..255\), not -1/);
  assert.throws(() => toHexString([1.5]), { name: "TypeError", message: /data\[0\]/ });
  assert.throws(() => toHexString(["3B"] as unknown as number[]), TypeError);
  assert.throws(() => toHexString(42 as unknown as number[]), {
    name: "TypeError",
    message: "data must be an array of bytes (number[] or Uint8Array), not number 42",
  });
  assert.throws(() => toHexString("foo" as unknown as number[]), TypeError);
});

Deno.test("toHexString refuses a format that is not an integer 0..15", () => {
  for (const format of [16, -1, 1.5, NaN]) {
    assert.throws(() => toHexString(VALS, format), RangeError);
  }
});

Deno.test("toBytes parses hex with or without blanks, newlines included, as pyscard", () => {
  const want = [59, 101, 0, 0, 156, 17, 1, 1, 3];
  assert.deepEqual(toBytes("3B 65 00 00 9C 11 01 01 03"), want);
  assert.deepEqual(toBytes("3B6500009C11010103"), want);
  assert.deepEqual(toBytes("3B6500   009C1101  0103"), want);
  assert.deepEqual(toBytes("\n    3B 65 00\n    00 9C 11 01\n\t01 03\n  "), want);
  assert.deepEqual(toBytes("3b6500009c11010103"), want);
  assert.deepEqual(toBytes(""), []);
  assert.deepEqual(toBytes("   "), []);
});

Deno.test("toBytes round-trips every byte with toHexString", () => {
  const all = Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(toBytes(toHexString(all)), all);
  assert.deepEqual(toBytes(toHexString(all, PACK)), all);
});

Deno.test("toBytes refuses what is not hex pairs with a TypeError saying where", () => {
  assert.throws(() => toBytes("zz"), {
    name: "TypeError",
    message: 'toBytes: not a string representing a list of bytes: "zz" at index 0, not a hex byte',
  });
  assert.throws(() => toBytes("3B 6"), /a lone hex digit "6" at the end/);
  assert.throws(() => toBytes("3 B"), /"3 " at index 0/); // blanks only between pairs
  assert.throws(() => toBytes("0x3B"), /"0x" at index 0/);
  assert.throws(() => toBytes("3B,65"), /",6" at index 2/);
  assert.throws(() => toBytes(42 as unknown as string), {
    name: "TypeError",
    message: "toBytes: hex must be a string, got number 42",
  });
});

Deno.test("toASCIIString maps 32..127 to characters and anything else to '.', as pyscard", () => {
  assert.equal(
    toASCIIString([0x4e, 0x75, 0x6d, 0x62, 0x65, 0x72, 0x20, 0x31, 0x30, 0x31]),
    "Number 101",
  );
  assert.equal(toASCIIString([0x01, 0x20, 0x80, 0x7e, 0xf0]), ". .~.");
  assert.equal(toASCIIString([31, 32, 127, 128]), ". \x7f.");
  assert.equal(toASCIIString(new Uint8Array([0x41, 0x00])), "A.");
  assert.equal(toASCIIString([]), "");
  assert.throws(() => toASCIIString([300]), /bytes\[0\] must be a byte/);
});

Deno.test("toASCIIBytes encodes as UTF-8, as pyscard", () => {
  assert.deepEqual(toASCIIBytes("Number 101"), [
    0x4e,
    0x75,
    0x6d,
    0x62,
    0x65,
    0x72,
    0x20,
    0x31,
    0x30,
    0x31,
  ]);
  assert.deepEqual(toASCIIBytes("é"), [0xc3, 0xa9]);
  assert.deepEqual(toASCIIBytes(""), []);
  assert.throws(() => toASCIIBytes(1 as unknown as string), TypeError);
});

Deno.test("padd pads with FF by default up to the length, without touching its input", () => {
  const data = toBytes("3B 65 00 00 9C 11 01 01 03");
  const before = [...data];
  assert.deepEqual(padd(data, 16), [...VALS, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  assert.deepEqual(data, before);
});

Deno.test("padd takes the padding byte as pyscard's hex string, or as a number", () => {
  assert.deepEqual(padd(VALS, 12, "80"), [...VALS, 0x80, 0x80, 0x80]);
  assert.deepEqual(padd(VALS, 10, "0x00"), [...VALS, 0x00]);
  assert.deepEqual(padd(VALS, 10, "a"), [...VALS, 0x0a]);
  assert.deepEqual(padd(VALS, 10, 0x55), [...VALS, 0x55]);
  assert.deepEqual(padd(new Uint8Array([1]), 2), [1, 0xff]);
});

Deno.test("padd leaves a list already as long as the length, or longer, unpadded (a copy)", () => {
  assert.deepEqual(padd(VALS, 9), VALS);
  assert.deepEqual(padd(VALS, 4), VALS);
  assert.deepEqual(padd(VALS, 0), VALS);
  assert.notEqual(padd(VALS, 4), VALS);
});

Deno.test("padd refuses a padding that is not one byte and a negative or fractional length", () => {
  assert.throws(() => padd(VALS, 16, "100"), {
    name: "RangeError",
    message: 'padd: padding must be a byte 0..255, got the string "100"',
  });
  assert.throws(() => padd(VALS, 16, "GG"), TypeError);
  assert.throws(() => padd(VALS, 16, ""), TypeError);
  assert.throws(() => padd(VALS, 16, 256), RangeError);
  assert.throws(() => padd(VALS, -1), RangeError);
  assert.throws(() => padd(VALS, 1.5), RangeError);
  assert.throws(() => padd([0x1ff], 4), RangeError);
});

Deno.test("toGSM3_38Bytes encodes pyscard's test strings", () => {
  assert.deepEqual(toGSM3_38Bytes("@Pascal"), [0x00, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6c]);
  assert.deepEqual(toGSM3_38Bytes("@ùPascal"), [0x00, 0x06, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6c]);
  assert.deepEqual(toGSM3_38Bytes("1234"), [0x31, 0x32, 0x33, 0x34]);
});

Deno.test("toGSM3_38Bytes decodes a Uint8Array as ISO 8859-1 first, as pyscard does bytes", () => {
  // "@ùPascal" in ISO 8859-1: ù is 0xF9.
  const latin1 = new Uint8Array([0x40, 0xf9, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6c]);
  assert.deepEqual(toGSM3_38Bytes(latin1), [0x00, 0x06, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6c]);
  // 0xA4 is ¤ in ISO 8859-1 (windows-1252 agrees here), GSM 0x24.
  assert.deepEqual(toGSM3_38Bytes(new Uint8Array([0xa4])), [0x24]);
});

Deno.test("toGSM3_38Bytes maps every character of pyscard's table", () => {
  const table: [string, number][] = [
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
    ["\n", 0x0a],
    ["Ø", 0x0b],
    ["ø", 0x0c],
    ["\r", 0x0d],
    ["Å", 0x0e],
    ["å", 0x0f],
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
    ["Ξ", 0x1a],
    ["Æ", 0x1c],
    ["æ", 0x1d],
    ["ß", 0x1e],
    ["É", 0x1f],
    [" ", 0x20],
    ["!", 0x21],
    ['"', 0x22],
    ["#", 0x23],
    ["¤", 0x24],
    ["¡", 0x40],
    ["Ä", 0x5b],
    ["Ö", 0x5c],
    ["Ñ", 0x5d],
    ["Ü", 0x5e],
    ["§", 0x5f],
    ["¿", 0x60],
    ["ä", 0x7b],
    ["ö", 0x7c],
    ["ñ", 0x7d],
    ["ü", 0x7e],
    ["à", 0x7f],
  ];
  for (const [char, code] of table) assert.deepEqual(toGSM3_38Bytes(char), [code], char);
});

Deno.test("toGSM3_38Bytes keeps ASCII codes for % to ?, A to Z and a to z", () => {
  const ranges = [[0x25, 0x3f], [0x41, 0x5a], [0x61, 0x7a]];
  for (const [from, to] of ranges) {
    for (let c = from; c <= to; c++) {
      assert.deepEqual(toGSM3_38Bytes(String.fromCharCode(c)), [c]);
    }
  }
});

Deno.test("toGSM3_38Bytes refuses characters outside the default alphabet with a RangeError", () => {
  assert.throws(() => toGSM3_38Bytes("ab€"), {
    name: "RangeError",
    message: 'toGSM3_38Bytes: "€" at index 2 has no GSM 03.38 default-alphabet code',
  });
  for (const char of ["[", "]", "{", "}", "\\", "^", "~", "|", "`", "\t", "😀"]) {
    assert.throws(() => toGSM3_38Bytes(char), RangeError, char);
  }
  assert.throws(() => toGSM3_38Bytes(5 as unknown as string), TypeError);
});

Deno.test("HexListToBinString and hl2bs decode UTF-8, refusing invalid sequences", () => {
  assert.equal(HexListToBinString([1, 2, 3]), "\x01\x02\x03");
  assert.equal(hl2bs([78, 117, 109, 98, 101, 114, 32, 49, 48, 49]), "Number 101");
  assert.equal(HexListToBinString(new Uint8Array([0xc3, 0xa9])), "é");
  assert.throws(() => HexListToBinString([0xff]), /not valid UTF-8/);
  assert.throws(() => HexListToBinString([256]), RangeError);
});

Deno.test("BinStringToHexList and bs2hl encode UTF-8", () => {
  assert.deepEqual(BinStringToHexList("\x01\x02\x03"), [1, 2, 3]);
  assert.deepEqual(bs2hl("Number 101"), [78, 117, 109, 98, 101, 114, 32, 49, 48, 49]);
  assert.throws(() => BinStringToHexList(null as unknown as string), TypeError);
});
