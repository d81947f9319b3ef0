/**
 * Web NFC's record mapping, both ways, and every error its algorithms give. Cases follow the
 * web-platform-tests of web-nfc (NDEFRecord_constructor, NDEFMessage_constructor,
 * NDEFReadingEvent_constructor, NDEFMessage_recursion-limit, NDEFReader_write's invalid
 * messages), restated here.
 */

import assert from "node:assert/strict";
import { NDEFMessage, NDEFReadingEvent, NDEFRecord } from "../../src/nfc/mod.ts";

const TEXT = "Test text data.";
const URL_DATA = "https://w3c.github.io/web-nfc/";
const ID = "/test_path/test_id";
const bytes = (...b: number[]) => new Uint8Array(b);
const decode = (view: DataView | null, label = "utf-8") => new TextDecoder(label).decode(view!);
const dataOf = (r: NDEFRecord) => [...new Uint8Array(r.data!.buffer)];
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
const roundTrip = (m: NDEFMessage) => NDEFMessage.fromBytes(m.toBytes());

function throwsDom(fn: () => unknown, name: string) {
  assert.throws(fn, (e: unknown) => e instanceof DOMException && e.name === name);
}

Deno.test("NDEFRecord without recordType, or from null or nothing, is a TypeError", () => {
  assert.throws(() => new NDEFRecord(undefined as never), TypeError);
  assert.throws(() => new NDEFRecord(null as never), TypeError);
  assert.throws(() => new NDEFRecord({ id: ID, data: TEXT } as never), TypeError);
});

Deno.test("mediaType is refused on every record type but mime", () => {
  for (
    const [recordType, data] of [
      ["empty", undefined],
      ["text", TEXT],
      ["url", URL_DATA],
      ["absolute-url", URL_DATA],
      ["unknown", new ArrayBuffer(2)],
      ["foo.example.com:bar", new ArrayBuffer(2)],
      ["smart-poster", { records: [{ recordType: "url", data: URL_DATA }] }],
    ] as const
  ) {
    assert.throws(
      () => new NDEFRecord({ recordType, data, mediaType: "text/plain" }),
      TypeError,
      recordType,
    );
  }
});

Deno.test("an empty record takes no id and exposes only nulls", () => {
  assert.throws(() => new NDEFRecord({ recordType: "empty", id: ID }), TypeError);
  const r = new NDEFRecord({ recordType: "empty" });
  assert.deepEqual([r.recordType, r.mediaType, r.id, r.encoding, r.lang, r.data], [
    "empty",
    null,
    null,
    null,
    null,
    null,
  ]);
  throwsDom(() => r.toRecords(), "NotSupportedError");
});

Deno.test("ids: absent is null, given is kept (empty and URL alike)", () => {
  assert.equal(new NDEFRecord({ recordType: "text", data: TEXT }).id, null);
  for (const id of ["", "https://h/p/id", "mypath/myid"]) {
    assert.equal(new NDEFRecord({ recordType: "text", data: TEXT, id }).id, id);
  }
});

Deno.test("text records: string, ArrayBuffer and view data, utf-8 and lang en by default", () => {
  const encoded = new TextEncoder().encode(TEXT);
  for (const data of [TEXT, encoded.buffer, encoded]) {
    const r = new NDEFRecord({ recordType: "text", data, id: ID });
    assert.deepEqual([r.recordType, r.mediaType, r.id, r.encoding, r.lang], [
      "text",
      null,
      ID,
      "utf-8",
      "en",
    ]);
    assert.equal(decode(r.data), TEXT);
    assert.ok(r.data instanceof DataView);
    throwsDom(() => r.toRecords(), "NotSupportedError");
  }
});

Deno.test("text encodings: a string takes only utf-8, bytes the four UTF labels", () => {
  assert.throws(
    () => new NDEFRecord({ recordType: "text", data: TEXT, encoding: "random-encoding" }),
    TypeError,
  );
  assert.throws(
    () => new NDEFRecord({ recordType: "text", data: TEXT, encoding: "utf-16" }),
    TypeError,
  );
  assert.throws(
    () => new NDEFRecord({ recordType: "text", data: new ArrayBuffer(2), encoding: "chinese" }),
    TypeError,
  );
  for (const encoding of ["utf-8", "utf-16", "utf-16be", "utf-16le"]) {
    const data = encoding === "utf-8"
      ? new TextEncoder().encode(TEXT)
      : utf16(TEXT, encoding !== "utf-16be");
    const r = new NDEFRecord({ recordType: "text", data, encoding, lang: "fr" });
    assert.deepEqual([r.encoding, r.lang], [encoding, "fr"]);
    assert.equal(decode(r.data, encoding), TEXT);
  }
});

function utf16(text: string, little: boolean): Uint8Array {
  const out = new DataView(new ArrayBuffer(text.length * 2));
  for (let i = 0; i < text.length; i++) out.setUint16(2 * i, text.charCodeAt(i), little);
  return new Uint8Array(out.buffer);
}

Deno.test("UTF-16 text goes on the tag big-endian with the UTF-16 flag, and reads back as utf-16be", () => {
  const m = new NDEFMessage({
    records: [{ recordType: "text", data: utf16("hé", true), encoding: "utf-16le", lang: "de" }],
  });
  assert.equal(hex(m.toBytes()), "d1 01 07 54 82 64 65 00 68 00 e9");
  const [r] = roundTrip(m).records;
  assert.deepEqual([r.encoding, r.lang, decode(r.data, r.encoding!)], ["utf-16be", "de", "hé"]);
  // a byte order mark wins over the label, as in a TextDecoder
  const bom = new NDEFMessage({
    records: [{ recordType: "text", data: bytes(0xff, 0xfe, 0x41, 0), encoding: "utf-16be" }],
  });
  assert.equal(hex(bom.toBytes().subarray(-2)), "00 41");
});

Deno.test("a language of more than 63 bytes is a SyntaxError", () => {
  throwsDom(
    () => new NDEFRecord({ recordType: "text", data: TEXT, lang: "a".repeat(64) }),
    "SyntaxError",
  );
  assert.equal(
    new NDEFRecord({ recordType: "text", data: TEXT, lang: "a".repeat(63) }).lang!.length,
    63,
  );
});

Deno.test("url and absolute-url take a string that parses as a URL", () => {
  const url = new NDEFRecord({ recordType: "url", data: URL_DATA, id: ID });
  assert.deepEqual([url.recordType, url.mediaType, decode(url.data)], ["url", null, URL_DATA]);
  const abs = new NDEFRecord({ recordType: "absolute-url", data: URL_DATA });
  assert.equal(decode(abs.data), URL_DATA);
  for (const recordType of ["url", "absolute-url"]) {
    assert.throws(() => new NDEFRecord({ recordType, data: new ArrayBuffer(1) }), TypeError);
    assert.throws(() => new NDEFRecord({ recordType, data: { a: 1 } }), TypeError);
    assert.throws(() => new NDEFRecord({ recordType }), TypeError);
    throwsDom(() => new NDEFRecord({ recordType, data: "Invalid URL:// Data" }), "SyntaxError");
  }
});

Deno.test("a url record's data is the serialized URL", () => {
  const r = new NDEFRecord({ recordType: "url", data: "HTTPS://Example.COM" });
  assert.equal(decode(r.data), "https://example.com/");
});

Deno.test("mime records: bytes only; the media type parsed, application/octet-stream when it does not parse", () => {
  assert.throws(
    () => new NDEFRecord({ recordType: "mime", data: "A string is not a BufferSource" }),
    TypeError,
  );
  assert.throws(() => new NDEFRecord({ recordType: "mime", data: 42 }), TypeError);
  const buffer = bytes(1, 2, 3, 4).buffer;
  const r = new NDEFRecord({
    recordType: "mime",
    data: buffer,
    mediaType: "application/octet-stream",
    id: ID,
  });
  assert.deepEqual([r.recordType, r.mediaType, r.id, dataOf(r)], [
    "mime",
    "application/octet-stream",
    ID,
    [1, 2, 3, 4],
  ]);
  assert.deepEqual(
    dataOf(new NDEFRecord({ recordType: "mime", data: new Uint8Array(buffer, 1) })),
    [2, 3, 4],
  );
  assert.equal(
    new NDEFRecord({ recordType: "mime", data: buffer }).mediaType,
    "application/octet-stream",
  );
  assert.equal(
    new NDEFRecord({ recordType: "mime", data: buffer, mediaType: "nonsense" }).mediaType,
    "application/octet-stream",
  );
  assert.equal(
    new NDEFRecord({
      recordType: "mime",
      data: buffer,
      mediaType: ' Text/HTML ; Charset="utf-8";x=""',
    }).mediaType,
    'text/html;charset=utf-8;x=""',
  );
});

Deno.test("unknown records: bytes only", () => {
  assert.throws(() => new NDEFRecord({ recordType: "unknown", data: "text" }), TypeError);
  assert.deepEqual(
    dataOf(
      new NDEFRecord({ recordType: "unknown", data: new Uint8Array([1, 2, 3, 4]).subarray(1) }),
    ),
    [2, 3, 4],
  );
});

Deno.test("external types: bytes or a message; toRecords() null for bytes that are no message", () => {
  const type = "foo.eXamPle.com:bAr*-";
  assert.throws(() => new NDEFRecord({ recordType: type, data: "not bytes" }), TypeError);
  assert.throws(() => new NDEFRecord({ recordType: type, data: { level: 1 } }), TypeError);
  const r = new NDEFRecord({ recordType: type, data: bytes(1, 2, 3, 4), id: ID });
  assert.deepEqual([r.recordType, r.mediaType, r.id, dataOf(r), r.toRecords()], [type, null, ID, [
    1,
    2,
    3,
    4,
  ], null]);
  const nested = new NDEFRecord({
    recordType: type,
    id: "x",
    data: { records: [{ recordType: "text", data: TEXT, id: ID }] },
  });
  const [inner] = nested.toRecords()!;
  assert.deepEqual([inner.recordType, inner.id, decode(inner.data), inner.lang], [
    "text",
    ID,
    TEXT,
    "en",
  ]);
});

Deno.test("invalid external types are TypeErrors", () => {
  for (
    const recordType of [
      "example.com:hellö",
      "a".repeat(252) + ":xyz",
      "xyz",
      ":xyz",
      "example.com:",
      "example.com:xyz[",
      "example.com:xyz~",
      "example.com:xyz/",
    ]
  ) {
    assert.throws(
      () => new NDEFRecord({ recordType, data: new ArrayBuffer(1) }),
      TypeError,
      recordType,
    );
  }
  new NDEFRecord({ recordType: "a".repeat(251) + ":xyz", data: new ArrayBuffer(1) });
});

Deno.test("record types are case-sensitive", () => {
  for (const recordType of ["EMptY", "TeXt", "uRL", "Mime", "sMart-PosTER"]) {
    assert.throws(() => new NDEFRecord({ recordType, data: TEXT }), TypeError);
  }
});

Deno.test("local types only inside another record, lower-case or digit first, ASCII, 255 bytes at most", () => {
  assert.throws(() => new NDEFRecord({ recordType: ":xyz", data: new ArrayBuffer(1) }), TypeError);
  const inside = (recordType: string, data: unknown = new ArrayBuffer(1)) =>
    new NDEFRecord({ recordType: "example.com:foo", data: { records: [{ recordType, data }] } });
  for (const ok of [":xyz", ":xyZ123", ":123XYz", ":" + "a".repeat(255)]) inside(ok);
  for (const bad of [":hellö", ":" + "a".repeat(256), ":Xyz", ":-xyz"]) {
    assert.throws(() => inside(bad), TypeError, bad);
  }
  assert.throws(() => inside(":xyz", "not bytes"), TypeError);
  const [local] = inside(":xyz", { records: [{ recordType: "text", data: TEXT }] }).toRecords()!;
  assert.equal(local.recordType, ":xyz");
  assert.equal(decode(local.toRecords()![0].data), TEXT);
  assert.equal(inside(":xyz", bytes(2, 3, 4)).toRecords()![0].toRecords(), null);
});

Deno.test("smart posters: a message with exactly one url and at most one type, size and action record", () => {
  const uri = { recordType: "url", data: URL_DATA, id: ID };
  const title = { recordType: "text", data: TEXT, lang: "en", id: ID };
  const type = { recordType: ":t", data: new TextEncoder().encode("image/gif") };
  const size = { recordType: ":s", data: new Uint32Array([4096]) };
  const action = { recordType: ":act", data: bytes(3) };
  const icon = { recordType: "mime", data: bytes(1, 2, 3, 4), mediaType: "image/gif", id: ID };
  const sp = new NDEFRecord({
    recordType: "smart-poster",
    id: "sp",
    data: { records: [title, type, size, action, icon, uri] },
  });
  const inner = sp.toRecords()!;
  assert.deepEqual(inner.map((r) => r.recordType), ["url", "text", ":t", ":s", ":act", "mime"]);
  assert.equal(new DataView(inner[3].data!.buffer).getUint32(0, true), 4096);
  assert.deepEqual([inner[5].mediaType, dataOf(inner[5])], ["image/gif", [1, 2, 3, 4]]);
  const bad: unknown[] = [
    "a string",
    new ArrayBuffer(4),
    { records: [title, type, size, action, icon] },
    { records: [uri, title, uri] },
    { records: [uri, type, type] },
    { records: [uri, size, size] },
    { records: [uri, action, action] },
    { records: [uri, { recordType: ":s", data: bytes(1) }] },
    { records: [uri, { recordType: ":act", data: new Uint32Array([0]) }] },
    { records: [uri, { recordType: "absolute-url", data: URL_DATA }] },
  ];
  for (const data of bad) {
    assert.throws(() => new NDEFRecord({ recordType: "smart-poster", data }), TypeError);
  }
});

Deno.test("NDEFMessage needs a non-empty records sequence", () => {
  assert.throws(() => new NDEFMessage(undefined as never), TypeError);
  assert.throws(() => new NDEFMessage(null as never), TypeError);
  assert.throws(() => new NDEFMessage({ dummy: 1 } as never), TypeError);
  assert.throws(() => new NDEFMessage({ records: [] }), TypeError);
  assert.throws(() => new NDEFMessage({ records: [{}] } as never), TypeError);
  const m = new NDEFMessage({ records: [{ recordType: "text", data: TEXT }] });
  assert.ok(Object.isFrozen(m.records));
  assert.deepEqual([m.records[0].encoding, m.records[0].lang], ["utf-8", "en"]);
});

Deno.test("messages nest 32 deep at most, cycles included", () => {
  const nest = (recordType: string, depth: number): unknown =>
    depth === 0
      ? { records: [{ recordType: "empty" }] }
      : { records: [{ recordType, data: nest(recordType, depth - 1) }] };
  const sp = (inner: unknown) => ({
    records: [{
      recordType: "smart-poster",
      data: {
        records: [
          { recordType: "url", data: "https://w3.org" },
          ...(inner as { records: unknown[] }).records,
        ],
      },
    }],
  });
  new NDEFMessage(nest("w3.org:ExternalRecord", 31) as never);
  assert.throws(() => new NDEFMessage(nest("w3.org:ExternalRecord", 32) as never), TypeError);
  new NDEFMessage(sp(nest(":local", 30)) as never);
  assert.throws(() => new NDEFMessage(sp(nest(":local", 31)) as never), TypeError);
  const cyclic: { recordType: string; data?: unknown } = { recordType: "w3.org:ExternalRecord" };
  cyclic.data = { records: [cyclic] };
  assert.throws(() => new NDEFRecord(cyclic), TypeError);
  assert.throws(
    () => new NDEFReadingEvent("reading", { message: cyclic.data as never }),
    TypeError,
  );
});

Deno.test("NDEFReadingEvent: message required, serialNumber '' when null or absent", () => {
  assert.throws(() => new NDEFReadingEvent("reading", undefined as never), TypeError);
  assert.throws(
    () => new NDEFReadingEvent("reading", { serialNumber: "", message: null as never }),
    TypeError,
  );
  const message = { records: [{ recordType: "mime", data: new ArrayBuffer(2) }] };
  assert.equal(new NDEFReadingEvent("reading", { serialNumber: null, message }).serialNumber, "");
  const e = new NDEFReadingEvent("reading", { message });
  assert.deepEqual([e.type, e.serialNumber, e.message.records[0].recordType], [
    "reading",
    "",
    "mime",
  ]);
});
