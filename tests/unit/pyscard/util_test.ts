// pyscard 2.3's test/test_util.py, ported. pyscard's DeprecationWarning on HexListToBinString,
// BinStringToHexList, hl2bs and bs2hl is the JSDoc @deprecated tag here. toGSM3_38Bytes takes
// ISO 8859-1 bytes as a Uint8Array where pyscard takes Python bytes.
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
} from "../../../mod.ts";

Deno.test("pyscard test_to_bytes", () => {
  const out = [59, 101, 0, 0, 156, 17, 1, 1, 3];
  assert.deepEqual(toBytes("3B 65 00 00 9C 11 01 01 03"), out);
  assert.deepEqual(toBytes("3B6500009C11010103"), out);
  assert.deepEqual(toBytes("3B6500   009C1101  0103"), out);
  assert.deepEqual(
    toBytes(`
                3B 65 00
                00 9C 11 01
                01 03
              `),
    out,
  );
  assert.throws(() => toBytes("zz"), TypeError);
});

Deno.test("pyscard test_padd", () => {
  const data = toBytes("3B 65 00 00 9C 11 01 01 03");
  const old = [...data];
  assert.deepEqual(
    padd(data, 16),
    [0x3B, 0x65, 0, 0, 0x9C, 0x11, 1, 1, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF],
  );
  assert.deepEqual(data, old);
  assert.deepEqual(padd(data, 4), data);
});

Deno.test("pyscard test_to_ascii_bytes", () => {
  assert.deepEqual(
    toASCIIBytes("Number 101"),
    [0x4E, 0x75, 0x6D, 0x62, 0x65, 0x72, 0x20, 0x31, 0x30, 0x31],
  );
});

Deno.test("pyscard test_to_ascii_string", () => {
  assert.equal(
    toASCIIString([0x4E, 0x75, 0x6D, 0x62, 0x65, 0x72, 0x20, 0x31, 0x30, 0x31]),
    "Number 101",
  );
  assert.equal(toASCIIString([0x01, 0x20, 0x80, 0x7E, 0xF0]), ". .~.");
});

Deno.test("pyscard test_to_gsm3_38_bytes", () => {
  assert.deepEqual(toGSM3_38Bytes("@Pascal"), [0x00, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6C]);
  assert.deepEqual(toGSM3_38Bytes("@ùPascal"), [0x00, 0x06, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6C]);
  // "@ùPascal".encode("iso8859-1")
  const latin1 = Uint8Array.from("@ùPascal", (c) => c.charCodeAt(0));
  assert.deepEqual(toGSM3_38Bytes(latin1), [0x00, 0x06, 0x50, 0x61, 0x73, 0x63, 0x61, 0x6C]);
  assert.deepEqual(toGSM3_38Bytes("1234"), [0x31, 0x32, 0x33, 0x34]);
});

Deno.test("pyscard test_to_hex_string", () => {
  assert.equal(toHexString([]), "");
  assert.throws(() => toHexString(42 as unknown as number[]), TypeError);
  const data = [0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03];
  assert.equal(toHexString(data), "3B 65 00 00 9C 11 01 01 03");
  assert.equal(toHexString(data, COMMA), "3B, 65, 00, 00, 9C, 11, 01, 01, 03");
  assert.equal(toHexString(data, HEX), "0x3B 0x65 0x00 0x00 0x9C 0x11 0x01 0x01 0x03");
  assert.equal(
    toHexString(data, HEX | COMMA),
    "0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03",
  );
  assert.equal(toHexString(data, HEX | UPPERCASE), "0X3B 0X65 0X00 0X00 0X9C 0X11 0X01 0X01 0X03");
  assert.equal(
    toHexString(data, HEX | UPPERCASE | COMMA),
    "0X3B, 0X65, 0X00, 0X00, 0X9C, 0X11, 0X01, 0X01, 0X03",
  );
  assert.equal(toHexString(data, PACK), "3B6500009C11010103");
  assert.equal(toHexString(data, COMMA | PACK), "3B,65,00,00,9C,11,01,01,03");
  assert.equal(toHexString(data, HEX | PACK), "0x3B0x650x000x000x9C0x110x010x010x03");
  assert.equal(
    toHexString(data, HEX | COMMA | PACK),
    "0x3B,0x65,0x00,0x00,0x9C,0x11,0x01,0x01,0x03",
  );
  assert.equal(toHexString(data, HEX | UPPERCASE | PACK), "0X3B0X650X000X000X9C0X110X010X010X03");
  assert.equal(
    toHexString(data, HEX | UPPERCASE | COMMA | PACK),
    "0X3B,0X65,0X00,0X00,0X9C,0X11,0X01,0X01,0X03",
  );
  assert.throws(() => toHexString("foo" as unknown as number[]), TypeError);
});

Deno.test("pyscard test_hex_list_to_bin_string", () => {
  assert.equal(HexListToBinString([1, 2, 3]), "\x01\x02\x03");
});

Deno.test("pyscard test_bin_string_to_hex_list", () => {
  assert.deepEqual(BinStringToHexList("\x01\x02\x03"), [1, 2, 3]);
});

Deno.test("pyscard test_hl2bs", () => {
  assert.equal(hl2bs([78, 117, 109, 98, 101, 114, 32, 49, 48, 49]), "Number 101");
});

Deno.test("pyscard test_bs2hl", () => {
  assert.deepEqual(bs2hl("Number 101"), [78, 117, 109, 98, 101, 114, 32, 49, 48, 49]);
});
