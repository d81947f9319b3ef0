// Historical bytes (ISO 7816-4 8.1.1) decoded: the category indicators, every COMPACT-TLV
// object, and the refusals. The expected decodings were checked against pcsc-tools'
// ATR_analysis (Debian pcsc-tools 1.6.2) where it decodes the same object.
import assert from "node:assert/strict";
import { decodeHistoricalBytes, explainHistoricalBytes } from "../../src/atr/historical_bytes.ts";
import { ATR } from "../../src/atr/atr.ts";
import { toBytes } from "../../src/smartcard/util.ts";

Deno.test("card capabilities and pre-issuing data of a YubiKey 5 (category 80)", () => {
  const atr = new ATR(toBytes("3B DC 18 FF 81 91 FE 1F C3 80 73 C8 21 13 66 01 06 11 59 00 01 28"));
  const h = atr.decodeHistoricalBytes();
  assert.equal(h.category, 0x80);
  assert.equal(h.categoryName, "COMPACT-TLV data objects");
  assert.deepEqual(h.objects.map((o) => [o.tag, o.name, o.offset]), [
    [7, "card capabilities", 1],
    [6, "pre-issuing data", 5],
  ]);
  const c = h.cardCapabilities!;
  // ATR_analysis: full DF name, partial DF name, implicit DF selection
  assert.deepEqual(c.selectionMethods, [
    "DF selection by full DF name",
    "DF selection by partial DF name",
    "implicit DF selection",
  ]);
  // ATR_analysis: write functions proprietary, FF invalid, data unit 2 quartets
  assert.deepEqual(c.dataCoding, {
    tlvEFs: false,
    writeBehaviour: "proprietary",
    ffValidTagByte: false,
    dataUnitQuartets: 2,
  });
  // ATR_analysis: logical channels assigned by the card, at most 4; no chaining, no extended
  assert.equal(c.commandChaining, false);
  assert.equal(c.extendedLengths, false);
  assert.equal(c.logicalChannelAssignment, "by the card");
  assert.equal(c.maxLogicalChannels, 4);
  assert.deepEqual(h.objects[1].details, ["01 06 11 59 00 01"]);
});

Deno.test("card service data, country, issuer, AID, status indicator and initial access", () => {
  const h = decodeHistoricalBytes(
    toBytes(
      "80 31 E0 12 25 0F 23 40 12 34 F5 A0 00 00 03 97 73 00 00 C0 83 05 90 00 41 B0",
    ),
  );
  const byTag = new Map(h.objects.map((o) => [o.tag, o]));
  // ATR_analysis on E0: full and partial DF name, EF.DIR objects, READ RECORD(S), with MF
  assert.deepEqual(byTag.get(3)!.details, [
    "application selection by full DF name",
    "application selection by partial DF name",
    "BER-TLV data objects available in EF.DIR",
    "EF.DIR and EF.ATR/INFO access services: by READ RECORD(S)",
    "card with MF",
  ]);
  assert.deepEqual(byTag.get(1)!.details, ["country code (ISO 3166-1 numeric) 250"]);
  assert.deepEqual(byTag.get(2)!.details, [
    "issuer identification number (ISO/IEC 7812-1) 401234",
  ]);
  assert.deepEqual([...h.applicationIdentifier!], [0xa0, 0x00, 0x00, 0x03, 0x97]);
  const c = h.cardCapabilities!;
  assert.deepEqual(c.selectionMethods, []);
  assert.equal(c.dataCoding!.writeBehaviour, "one-time write");
  assert.equal(c.commandChaining, true);
  assert.equal(c.extendedLengths, true);
  assert.equal(c.logicalChannelAssignment, "no logical channel");
  assert.deepEqual(h.statusIndicator, {
    lcs: 0x05,
    lifeCycle: "operational state (activated)",
    sw: 0x9000,
  });
  assert.deepEqual(byTag.get(4)!.details, ["READ BINARY of the current EF with Le B0"]);
});

Deno.test("category 00 ends with a mandatory status indicator", () => {
  // a status indicator with its LCS only, no COMPACT-TLV object before it
  const h = decodeHistoricalBytes(toBytes("00 0F 90 00"));
  assert.deepEqual(h.objects, []);
  assert.deepEqual(h.statusIndicator, {
    lcs: 0x0f,
    lifeCycle: "termination state",
    sw: 0x9000,
  });
  // ATR_analysis: LCS 81 is proprietary
  const g = decodeHistoricalBytes(toBytes("00 31 C0 81 90 00"));
  assert.equal(g.objects[0].name, "card service data");
  assert.equal(g.statusIndicator!.lifeCycle, "proprietary");
  assert.throws(
    () => decodeHistoricalBytes(toBytes("00 90 00")),
    /category 00 end with a 3-byte status indicator, but only 2 bytes follow/,
  );
});

Deno.test("categories 10, RFU and proprietary, and no historical bytes at all", () => {
  const dir = decodeHistoricalBytes(toBytes("10 07"));
  assert.equal(dir.categoryName, "DIR data reference");
  assert.equal(dir.dirDataReference, 0x07);
  assert.equal(decodeHistoricalBytes([0x8a, 1]).categoryName, "reserved for future use (RFU)");
  const text = decodeHistoricalBytes(toBytes("59 75 62 69 6B 65 79 34"));
  assert.equal(text.categoryName, "proprietary format");
  assert.deepEqual(explainHistoricalBytes(text), [
    "category indicator 59: proprietary format",
    '  as text: "Yubikey4"',
  ]);
  const none = decodeHistoricalBytes([]);
  assert.equal(none.category, null);
  assert.deepEqual(explainHistoricalBytes(none), ["no historical bytes"]);
});

Deno.test("life cycle status bytes as ISO 7816-4 lists them", () => {
  const cases: [number, string][] = [
    [0x00, "no information given"],
    [0x01, "creation state"],
    [0x02, "RFU"],
    [0x03, "initialisation state"],
    [0x04, "operational state (deactivated)"],
    [0x06, "operational state (deactivated)"],
    [0x07, "operational state (activated)"],
    [0x0c, "termination state"],
    [0x08, "RFU"],
    [0x10, "proprietary"],
  ];
  for (const [lcs, meaning] of cases) {
    assert.equal(decodeHistoricalBytes([0x80, 0x81, lcs]).statusIndicator?.lifeCycle, meaning);
  }
  // a 2-byte status indicator is a status word alone
  assert.deepEqual(decodeHistoricalBytes([0x80, 0x82, 0x6a, 0x82]).statusIndicator, {
    lcs: null,
    lifeCycle: null,
    sw: 0x6a82,
  });
});

Deno.test("a COMPACT-TLV object past the end is refused with its offset", () => {
  assert.throws(
    () => decodeHistoricalBytes(toBytes("80 31 C0 65 B0")),
    /object 65 at offset 3 of the historical bytes announces 5 bytes, but only 1 remain/,
  );
  // in category 00 the status indicator is not the objects' to take
  assert.throws(() => decodeHistoricalBytes(toBytes("00 32 C0 90 00")), /offset 1/);
  assert.throws(() => new ATR(toBytes("3B 82 80 01 80 31 32")).decodeHistoricalBytes(), RangeError);
});

Deno.test("explainHistoricalBytes prints each object and what it says", () => {
  const lines = explainHistoricalBytes(decodeHistoricalBytes(toBytes("80 73 C8 21 13")));
  assert.deepEqual(lines, [
    "category indicator 80: COMPACT-TLV data objects",
    "  73 tag 7 (card capabilities), 3 bytes",
    "     selection methods: DF selection by full DF name, DF selection by partial DF name, " +
    "implicit DF selection",
    "     data coding: write functions proprietary, FF invalid (padding) as first tag byte, " +
    "data unit 2 quartets",
    "     command chaining not supported",
    "     extended Lc and Le fields not supported",
    "     logical channels: assigned by the card, at most 4",
  ]);
});

Deno.test("the AID a PC/SC Part 3 reader builds is read as BER-TLV, not as COMPACT-TLV", () => {
  const atr = new ATR(toBytes("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"));
  const h = atr.decodeHistoricalBytes();
  assert.equal(
    toBytes("A0 00 00 03 06 03 00 01 00 00 00 00").join(),
    h.applicationIdentifier!.join(),
  );
  assert.deepEqual(explainHistoricalBytes(h), [
    "category indicator 80: an application identifier, BER-TLV coded (the PC/SC Part 3 form)",
    "  4F 0C BER-TLV tag 4F (application identifier), 12 bytes",
    "     AID A0 00 00 03 06 03 00 01 00 00 00 00",
    "     RID A0 00 00 03 06 (PC/SC workgroup), standard 03, card name 00 01",
  ]);
});
