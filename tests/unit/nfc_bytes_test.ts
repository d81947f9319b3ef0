/**
 * NDEF 1.0 bytes both ways: record headers, short and long records, IDs, chunks, broken
 * messages; and Web NFC's mapping of each TNF and well-known type when reading.
 */

import assert from "node:assert/strict";
import { NdefFormatError, NDEFMessage } from "../../src/nfc/mod.ts";
import { decodeRecords } from "../../src/nfc/ndef_bytes.ts";

const fromHex = (s: string) =>
  Uint8Array.from(s.split(/\s+/).filter(Boolean).map((b) => parseInt(b, 16)));
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
const text = (v: DataView | null) => new TextDecoder().decode(v!);

Deno.test("a URI record: abbreviated with the longest prefix, expanded on read", () => {
  const m = new NDEFMessage({ records: [{ recordType: "url", data: "https://www.example.com/" }] });
  // D1: MB ME SR, TNF 1; type "U"; prefix 02 "https://www."
  assert.equal(hex(m.toBytes()), "d1 01 0d 55 02 65 78 61 6d 70 6c 65 2e 63 6f 6d 2f");
  for (
    const [url, code] of [
      ["tel:+331234", 0x05],
      ["urn:epc:id:sgtin:1", 0x1e],
      ["urn:nfc:x", 0x23],
      ["gopher://a/", 0x00],
    ] as const
  ) {
    const bytes = new NDEFMessage({ records: [{ recordType: "url", data: url }] }).toBytes();
    assert.equal(bytes[4], code, url);
    assert.equal(text(NDEFMessage.fromBytes(bytes).records[0].data), url);
  }
});

Deno.test("a text record's payload: status byte, language, text", () => {
  const m = new NDEFMessage({
    records: [{ recordType: "text", data: "hi", lang: "en-US", id: "a" }],
  });
  // D9: MB ME SR IL, TNF 1; type length 1, payload 8, id length 1
  assert.equal(hex(m.toBytes()), "d9 01 08 01 54 61 05 65 6e 2d 55 53 68 69");
});

Deno.test("a record of more than 255 bytes takes the long form, and reads back", () => {
  const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const m = new NDEFMessage({
    records: [{ recordType: "mime", mediaType: "application/x-a", data: payload, id: "big" }],
  });
  const bytes = m.toBytes();
  assert.equal(hex(bytes.subarray(0, 7)), "ca 0f 00 00 01 2c 03"); // MB ME IL, TNF 2; 4-byte length 300
  const [r] = NDEFMessage.fromBytes(bytes).records;
  assert.deepEqual([r.recordType, r.mediaType, r.id, r.data!.byteLength], [
    "mime",
    "application/x-a",
    "big",
    300,
  ]);
  assert.deepEqual(new Uint8Array(r.data!.buffer), payload);
});

Deno.test("several records: MB on the first, ME on the last", () => {
  const m = new NDEFMessage({
    records: [{ recordType: "empty" }, { recordType: "unknown", data: new Uint8Array([1]) }, {
      recordType: "absolute-url",
      data: "https://a.b/",
    }],
  });
  const bytes = m.toBytes();
  assert.equal(hex(bytes), "90 00 00 15 00 01 01 53 0c 00 68 74 74 70 73 3a 2f 2f 61 2e 62 2f");
  assert.deepEqual(NDEFMessage.fromBytes(bytes).records.map((r) => r.recordType), [
    "empty",
    "unknown",
    "absolute-url",
  ]);
  assert.equal(text(NDEFMessage.fromBytes(bytes).records[2].data), "https://a.b/");
});

Deno.test("chunked records are read as one", () => {
  // "mime" text/plain chunked in three: CF on the first two, TNF 6 on the later ones
  const bytes = fromHex(
    "b2 0a 02 74 65 78 74 2f 70 6c 61 69 6e 61 62  36 00 01 63  56 00 02 64 65",
  );
  const [r] = NDEFMessage.fromBytes(bytes).records;
  assert.deepEqual([r.recordType, r.mediaType, text(r.data)], ["mime", "text/plain", "abcde"]);
});

Deno.test("broken messages are NdefFormatErrors saying where", () => {
  for (
    const [bytes, what] of [
      ["51 01 01 55 00", "MB"],
      ["d1 01 05 55 00", "ends inside"],
      ["91 01 01 55 00", "ME"],
      ["d6 00 00", "TNF 6"],
      ["f2 01 01 61 62", "first chunk with ME"],
      ["b2 01 01 61 62 52 01 01 61 63", "TNF other than 6"],
      ["d0 01 00 61", "empty record"],
    ] as const
  ) {
    assert.throws(
      () => NDEFMessage.fromBytes(fromHex(bytes)),
      (e: unknown) => e instanceof NdefFormatError && e.message.includes(what),
      bytes,
    );
  }
});

Deno.test("bytes after the ME record are ignored", () => {
  assert.equal(NDEFMessage.fromBytes(fromHex("d0 00 00 fe 00 00")).records.length, 1);
});

Deno.test("reading: each TNF and well-known type as Web NFC maps it", () => {
  const records = decodeRecords(
    new NDEFMessage({ records: [{ recordType: "text", data: "x" }] }).toBytes(),
  );
  assert.equal(records.length, 1);
  // TNF 7 (reserved) is read as unknown, as NDEF 1.0 says; TNF 1 "Hr" (not exposed by Web NFC)
  // and a local type at the top are left out, as Chrome does
  const m = NDEFMessage.fromBytes(
    fromHex("97 00 01 09  11 02 00 48 72  11 01 00 61  54 0a 00 65 78 2e 63 6f 6d 3a 74 79 70"),
  );
  assert.deepEqual(m.records.map((r) => r.recordType), ["unknown", "ex.com:typ"]);
  assert.equal(m.records[1].data, null);
});

Deno.test("reading: an external type's Punycode domain is shown in Unicode", () => {
  const m = new NDEFMessage({
    records: [{ recordType: "håndværker.dk:abc", data: new Uint8Array([7]) }],
  });
  const bytes = m.toBytes();
  assert.ok(new TextDecoder().decode(bytes).includes("xn--hndvrker-9zan.dk:abc"));
  assert.equal(NDEFMessage.fromBytes(bytes).records[0].recordType, "håndværker.dk:abc");
});

Deno.test("reading: a smart poster's records through toRecords(), with its size and action checked", () => {
  const sp = new NDEFMessage({
    records: [{
      recordType: "smart-poster",
      data: {
        records: [
          { recordType: "text", data: "t" },
          { recordType: "url", data: "https://x.org/" },
          { recordType: ":act", data: new Uint8Array([1]) },
        ],
      },
    }],
  });
  const [r] = NDEFMessage.fromBytes(sp.toBytes()).records;
  assert.deepEqual(r.toRecords()!.map((x) => x.recordType), ["url", "text", ":act"]);
  // a size record of 2 bytes inside a smart poster read from bytes
  const bad = fromHex("d1 02 0c 53 70  91 01 02 55 00 61  51 01 02 73 00 01");
  assert.throws(() => NDEFMessage.fromBytes(bad).records[0].toRecords(), TypeError);
  // a smart poster without its url
  const noUrl = fromHex("d1 02 05 53 70  d1 01 01 54 00");
  assert.throws(() => NDEFMessage.fromBytes(noUrl).records[0].toRecords(), TypeError);
});

Deno.test("a record's bytes read back as they were written: the whole message round-trips", () => {
  const init = {
    records: [
      { recordType: "text", data: "Grüße", lang: "de", id: "1" },
      { recordType: "url", data: "mailto:a@b.c" },
      {
        recordType: "mime",
        mediaType: "application/json",
        data: new TextEncoder().encode('{"a":1}'),
      },
      {
        recordType: "example.com:game",
        data: {
          records: [{ recordType: ":lvl", data: new Uint8Array([3]) }, {
            recordType: "unknown",
            data: new Uint8Array(0),
          }],
        },
      },
    ],
  };
  const bytes = new NDEFMessage(init).toBytes();
  const read = NDEFMessage.fromBytes(bytes);
  assert.deepEqual(read.toBytes(), bytes);
  assert.deepEqual(read.records.map((r) => [r.recordType, r.id, r.lang]), [
    ["text", "1", "de"],
    ["url", null, null],
    ["mime", null, null],
    ["example.com:game", null, null],
  ]);
  assert.deepEqual(read.records[3].toRecords()!.map((r) => r.recordType), [":lvl", "unknown"]);
});
