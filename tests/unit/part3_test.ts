// PC/SC Part 3 storage-card ATRs: the tables and the parser, on ATRs that readers' manuals
// print for real cards, and on ATRs of other forms that must not be mistaken for one.
import assert from "node:assert/strict";
import {
  parseStorageCardAtr,
  PART3_CARD_NAMES,
  PART3_STANDARDS,
  part3CardName,
  part3StandardName,
  PCSC_RID,
} from "../../src/atr/part3.ts";
import { toBytes } from "../../src/smartcard/util.ts";

Deno.test("parseStorageCardAtr names the storage cards of reader manuals", () => {
  const cases: [string, number, string][] = [
    ["3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A", 0x0001, "Mifare Standard 1K"],
    ["3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 02 00 00 00 00 69", 0x0002, "Mifare Standard 4K"],
    ["3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 03 00 00 00 00 68", 0x0003, "Mifare Ultra light"],
  ];
  for (const [atr, nn, name] of cases) {
    const card = parseStorageCardAtr(toBytes(atr));
    assert.ok(card, atr);
    assert.equal(card.standard, 0x03);
    assert.equal(card.standardName, "ISO 14443 A, part 3");
    assert.equal(card.cardName, nn);
    assert.equal(card.cardNameText, name);
    assert.deepEqual(card.rfu, [0, 0, 0, 0]);
    assert.equal(card.checksumOK, true);
  }
});

Deno.test("parseStorageCardAtr reports an unlisted card name and standard, and a bad TCK", () => {
  // SS 0x42 (RFU), NN 12 34 (not in the table), TCK wrong on purpose.
  const card = parseStorageCardAtr(
    toBytes("3B 8F 80 01 80 4F 0C A0 00 00 03 06 42 12 34 00 00 00 00 00"),
  );
  assert.ok(card);
  assert.equal(card.standardName, "RFU (0x42)");
  assert.equal(card.cardName, 0x1234);
  assert.equal(card.cardNameText, null);
  assert.equal(card.checksumOK, false);
});

Deno.test("parseStorageCardAtr returns null for ATRs of other forms", () => {
  for (
    const atr of [
      "3B 81 80 01 80 80", // ISO 14443-4 card, empty historical bytes
      "3B 8C 80 01 50 12 23 45 56 12 53 54 4E 33 81 C3 55", // type B ATQB
      "3B 8F 80 01 80 4F 0C A0 00 00 03 07 03 00 01 00 00 00 00 6B", // another RID
      "3B 88 80 01 80 4F 05 A0 00 00 03 06 A1", // AID too short for SS NN NN
      "3B 02 14 50", // contact card
      "3B 8F 80", // truncated
      "", // no ATR at all
    ]
  ) {
    assert.equal(parseStorageCardAtr(toBytes(atr)), null, atr);
  }
});

Deno.test("parseStorageCardAtr refuses what is not bytes", () => {
  assert.throws(() => parseStorageCardAtr([0x3b, 256] as number[]), RangeError);
  assert.throws(() => parseStorageCardAtr("3B" as unknown as number[]), TypeError);
});

Deno.test("Part 3 look-ups say what an unlisted value is", () => {
  assert.deepEqual(PCSC_RID, [0xa0, 0x00, 0x00, 0x03, 0x06]);
  assert.equal(part3StandardName(0x11), "FeliCa");
  assert.equal(part3StandardName(0x04), "RFU (0x04)");
  assert.equal(part3CardName(0x003d), "MIFARE Ultralight EV1");
  assert.equal(part3CardName(0x0005), null);
  assert.equal(PART3_STANDARDS.size, 16);
  assert.equal(PART3_CARD_NAMES.size, 61);
});
