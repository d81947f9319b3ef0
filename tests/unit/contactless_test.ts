/**
 * ./contactless without a reader: MIFARE Classic arithmetic, access bits against the data
 * sheet's tables, trailers, value blocks, Type 2 capability containers and layouts, the ATR
 * forms, every Part 3 status word's error, and the pseudo-APDUs over a stand-in connection of
 * each facade's shape.
 */

import assert from "node:assert/strict";
import {
  accessGroupOfBlock,
  authenticate,
  blocksInSector,
  type ContactlessConnection,
  ContactlessError,
  contactlessInfo,
  dataBlockAccess,
  decodeAccessBits,
  decodeCapabilityContainer,
  decodeSectorTrailer,
  decodeValueBlock,
  describeAccessConditions,
  encodeAccessBits,
  encodeSectorTrailer,
  encodeValueBlock,
  firstBlockOfSector,
  getUid,
  isEncodedSectorTrailer,
  isSectorTrailer,
  isValueBlock,
  loadKey,
  mifareClassicLayout,
  type Part3Operation,
  readBinary,
  readPages,
  sectorOfBlock,
  trailerAccess,
  trailerBlockOfSector,
  TYPE2_TAG_LAYOUTS,
  type2Layout,
  UnsafeWriteError,
  updateBinary,
  writePage,
} from "../../src/contactless/mod.ts";
import { SWException } from "../../mod.ts";

// ---- MIFARE Classic arithmetic ----

Deno.test("MIFARE layouts: 1K 16×4, Mini 5×4, 4K 32×4 then 8×16 blocks", () => {
  assert.deepEqual(mifareClassicLayout("1K"), { type: "1K", sectors: 16, blocks: 64 });
  assert.deepEqual(mifareClassicLayout("Mini"), { type: "Mini", sectors: 5, blocks: 20 });
  const k4 = mifareClassicLayout("4K");
  assert.deepEqual(k4, { type: "4K", sectors: 40, blocks: 256 });
  assert.throws(() => mifareClassicLayout("2K" as "1K"), TypeError);
  const cases: [number, number][] = [[0, 0], [3, 0], [4, 1], [127, 31], [128, 32], [143, 32], [
    144,
    33,
  ], [255, 39]];
  for (const [block, sector] of cases) assert.equal(sectorOfBlock(k4, block), sector, `${block}`);
  assert.equal(firstBlockOfSector(k4, 33), 144);
  assert.equal(blocksInSector(k4, 31), 4);
  assert.equal(blocksInSector(k4, 32), 16);
  assert.equal(trailerBlockOfSector(k4, 39), 255);
  assert.equal(trailerBlockOfSector(mifareClassicLayout("1K"), 15), 63);
  const trailers = [...Array(256).keys()].filter((b) => isSectorTrailer(k4, b));
  assert.equal(trailers.length, 40);
  assert.ok(trailers.every((b) => b < 128 ? b % 4 === 3 : b % 16 === 15));
  // a 16-block sector's access groups: 5, 5, 5 blocks, then the trailer
  const groups = [...Array(16).keys()].map((i) => accessGroupOfBlock(k4, 128 + i));
  assert.deepEqual(groups, [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
  assert.deepEqual([4, 5, 6, 7].map((b) => accessGroupOfBlock(k4, b)), [0, 1, 2, 3]);
  assert.throws(
    () => sectorOfBlock(mifareClassicLayout("1K"), 64),
    /block of a MIFARE Classic 1K must be an integer in 0..63/,
  );
  assert.throws(() => firstBlockOfSector(k4, 40), RangeError);
  assert.throws(() => sectorOfBlock(k4, 1.5), RangeError);
});

// ---- access conditions against NXP MF1S50yyX/V1 tables 7 and 8 ----

/** Table 8 as printed: C1 C2 C3 → read, write, increment, decrement/transfer/restore. */
const TABLE_8: Record<string, string[]> = {
  "000": ["A|B", "A|B", "A|B", "A|B"],
  "010": ["A|B", "never", "never", "never"],
  "100": ["A|B", "B", "never", "never"],
  "110": ["A|B", "B", "B", "A|B"],
  "001": ["A|B", "never", "never", "A|B"],
  "011": ["B", "B", "never", "never"],
  "101": ["B", "never", "never", "never"],
  "111": ["never", "never", "never", "never"],
};
/** Table 7 as printed: C1 C2 C3 → key A read/write, access bits read/write, key B read/write. */
const TABLE_7: Record<string, string[]> = {
  "000": ["never", "A", "A", "never", "A", "A"],
  "010": ["never", "never", "A", "never", "A", "never"],
  "100": ["never", "B", "A|B", "never", "never", "B"],
  "110": ["never", "never", "A|B", "never", "never", "never"],
  "001": ["never", "A", "A", "A", "A", "A"],
  "011": ["never", "B", "A|B", "B", "never", "B"],
  "101": ["never", "never", "A|B", "B", "never", "never"],
  "111": ["never", "never", "A|B", "never", "never", "never"],
};

Deno.test("access conditions: every C1C2C3 of a data block as table 8 has it", () => {
  for (const [bits, expected] of Object.entries(TABLE_8)) {
    const access = dataBlockAccess(parseInt(bits, 2));
    assert.deepEqual(
      [access.read, access.write, access.increment, access.decrementTransferRestore],
      expected,
      bits,
    );
    assert.ok(access.description.length > 10);
  }
  assert.throws(() => dataBlockAccess(8), RangeError);
});

Deno.test("access conditions: every C1C2C3 of a trailer as table 7 has it; readable key B flagged", () => {
  for (const [bits, expected] of Object.entries(TABLE_7)) {
    const a = trailerAccess(parseInt(bits, 2));
    assert.deepEqual(
      [a.keyARead, a.keyAWrite, a.accessBitsRead, a.accessBitsWrite, a.keyBRead, a.keyBWrite],
      expected,
      bits,
    );
    assert.equal(a.keyBReadable, ["000", "010", "001"].includes(bits), bits);
  }
});

Deno.test("access bits: transport FF 07 80; every combination round-trips; a broken copy is undefined", () => {
  assert.deepEqual(encodeAccessBits([0, 0, 0, 1]), [0xff, 0x07, 0x80]);
  // the data sheet's other well-known value: data 100, trailer 011 → 78 77 88
  assert.deepEqual(encodeAccessBits([0b100, 0b100, 0b100, 0b011]), [0x78, 0x77, 0x88]);
  for (let n = 0; n < 8 ** 4; n++) {
    const conditions = [n & 7, (n >> 3) & 7, (n >> 6) & 7, (n >> 9) & 7] as const;
    const bytes = encodeAccessBits(conditions);
    assert.deepEqual(decodeAccessBits(bytes), conditions);
    for (let bit = 0; bit < 24; bit++) {
      const broken = [...bytes];
      broken[bit >> 3] ^= 1 << (bit & 7);
      assert.equal(decodeAccessBits(broken), undefined, `${n} with bit ${bit} flipped`);
    }
  }
  assert.throws(() => encodeAccessBits([0, 0, 0] as never), TypeError);
  assert.throws(() => encodeAccessBits([0, 0, 0, 9]), /access condition of group 3/);
});

Deno.test("sector trailers: encoded, decoded, described; only the encoder's arrays, unchanged, count", () => {
  const keyA = [1, 2, 3, 4, 5, 6], keyB = [7, 8, 9, 10, 11, 12];
  const bytes = encodeSectorTrailer({ keyA, keyB, accessConditions: [0, 0, 0, 1] });
  assert.deepEqual([...bytes], [...keyA, 0xff, 0x07, 0x80, 0x69, ...keyB]);
  assert.deepEqual(decodeSectorTrailer(bytes), {
    keyA,
    keyB,
    accessConditions: [0, 0, 0, 1],
    userByte: 0x69,
  });
  assert.ok(isEncodedSectorTrailer(bytes));
  assert.ok(!isEncodedSectorTrailer(Uint8Array.from(bytes)));
  assert.ok(!isEncodedSectorTrailer([...bytes]));
  bytes[0] = 0;
  assert.ok(!isEncodedSectorTrailer(bytes));
  assert.throws(
    () => decodeSectorTrailer([...keyA, 0xff, 0x07, 0x81, 0x69, ...keyB]),
    /do not match their inverted copy/,
  );
  assert.throws(
    () => encodeSectorTrailer({ keyA: [1], keyB, accessConditions: [0, 0, 0, 1] }),
    /keyA must be 6 bytes/,
  );
  assert.throws(
    () => encodeSectorTrailer({ keyA, keyB, accessConditions: [0, 0, 0, 1], userByte: 256 }),
    RangeError,
  );
  const described = describeAccessConditions([0b110, 0b001, 0b000, 0b011]);
  assert.match(described.dataBlocks[0].description, /rechargeable value block/);
  assert.equal(described.trailer.keyAWrite, "B");
});

Deno.test("value blocks: the data sheet's format both ways, negative values, bad copies", () => {
  const block = encodeValueBlock({ value: 1, address: 5 });
  assert.deepEqual(
    [...block],
    [1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 1, 0, 0, 0, 5, 0xfa, 5, 0xfa],
  );
  assert.deepEqual(decodeValueBlock(block), { value: 1, address: 5 });
  for (const value of [0, -1, 0x7fffffff, -0x80000000, 123456]) {
    assert.equal(decodeValueBlock(encodeValueBlock({ value, address: 0 })).value, value);
  }
  const broken = [...block];
  broken[13] = 0;
  assert.equal(isValueBlock(broken), false);
  assert.throws(() => decodeValueBlock(broken), /not a value block/);
  assert.throws(() => encodeValueBlock({ value: 2 ** 31, address: 0 }), RangeError);
  assert.throws(() => decodeValueBlock([1, 2]), /16 bytes/);
});

// ---- Type 2 ----

Deno.test("Type 2: capability containers decoded, layouts per data sheet and NFC Forum default", () => {
  const cc = decodeCapabilityContainer([0xe1, 0x10, 0x6d, 0x00]);
  assert.deepEqual(cc, {
    bytes: [0xe1, 0x10, 0x6d, 0x00],
    ndef: true,
    majorVersion: 1,
    minorVersion: 0,
    dataAreaSize: 872,
    readAccess: 0,
    writeAccess: 0,
  });
  assert.equal(type2Layout(cc), TYPE2_TAG_LAYOUTS.NTAG216);
  assert.equal(type2Layout(decodeCapabilityContainer([0xe1, 0x10, 0x3e, 0])).dynamicLockPage, 130);
  const l144 = type2Layout(decodeCapabilityContainer([0xe1, 0x10, 0x12, 0]));
  assert.equal(l144.name, "MIFARE Ultralight C or NTAG213");
  assert.deepEqual([l144.dataEnd, l144.dynamicLockPage], [39, 40]);
  const l48 = type2Layout(decodeCapabilityContainer([0xe1, 0x10, 0x06, 0]));
  assert.deepEqual([l48.dataEnd, l48.dynamicLockPage], [15, undefined]);
  const other = type2Layout(decodeCapabilityContainer([0xe1, 0x10, 0x20, 0]));
  assert.deepEqual([other.dataEnd, other.dynamicLockPage, other.pages], [67, 68, undefined]);
  assert.equal(decodeCapabilityContainer([0, 0, 0, 0]).ndef, false);
  assert.throws(() => decodeCapabilityContainer([1, 2, 3]), RangeError);
});

// ---- ATRs ----

Deno.test("contactlessInfo: storage cards named from Part 3, T=CL historical bytes, null otherwise", () => {
  const mifare1k = [
    0x3b,
    0x8f,
    0x80,
    0x01,
    0x80,
    0x4f,
    0x0c,
    0xa0,
    0x00,
    0x00,
    0x03,
    0x06,
    0x03,
    0x00,
    0x01,
    0,
    0,
    0,
    0,
    0x6a,
  ];
  assert.deepEqual(contactlessInfo(mifare1k), {
    kind: "storage",
    rid: [0xa0, 0x00, 0x00, 0x03, 0x06],
    standard: { code: 3, name: "ISO 14443 A, part 3" },
    card: { code: 1, name: "Mifare Standard 1K" },
  });
  const unknownName = [...mifare1k.slice(0, 13), 0x12, 0x34, 0, 0, 0, 0];
  unknownName.push(unknownName.slice(1).reduce((x, b) => x ^ b, 0));
  const info = contactlessInfo(unknownName);
  assert.deepEqual(info?.kind === "storage" && info.card, { code: 0x1234, name: undefined });
  assert.deepEqual(contactlessInfo([0x3b, 0x81, 0x80, 0x01, 0x80, 0x80]), {
    kind: "iso14443-4",
    historicalBytes: [0x80],
    typeB: undefined,
  });
  const typeB = [0x3b, 0x88, 0x80, 0x01, 1, 2, 3, 4, 0x81, 0x71, 0x00, 0x80];
  typeB.push(typeB.slice(1).reduce((x, b) => x ^ b, 0));
  const b = contactlessInfo(typeB);
  assert.deepEqual(b?.kind === "iso14443-4" && b.typeB, {
    applicationData: [1, 2, 3, 4],
    protocolInfo: [0x81, 0x71, 0x00],
    mbli: 8,
  });
  assert.equal(contactlessInfo([...mifare1k.slice(0, 19), 0x6b]), null, "TCK wrong");
  assert.equal(contactlessInfo([0x3b, 0x02, 0x14, 0x50]), null, "a contact card");
  assert.equal(contactlessInfo(mifare1k.slice(0, 19)), null, "TCK missing");
  assert.throws(() => contactlessInfo("3B" as never), TypeError);
});

// ---- status words ----

const PART3_WORDS: [Part3Operation, number, RegExp][] = [
  ["GET DATA", 0x6282, /end of data reached before Le bytes/],
  ["GET DATA", 0x6c07, /wrong length: the reader wants Le = 7 \(0x07\)/],
  ["GET DATA", 0x6300, /failed, no further information/],
  ["GET DATA", 0x6a81, /function not supported/],
  ["LOAD KEYS", 0x6986, /volatile memory is not available/],
  ["LOAD KEYS", 0x6988, /key number not valid/],
  ["LOAD KEYS", 0x6989, /key length is not correct/],
  ["GENERAL AUTHENTICATE", 0x6300, /authentication failed/],
  ["GENERAL AUTHENTICATE", 0x6581, /memory failure/],
  ["GENERAL AUTHENTICATE", 0x6982, /security status not satisfied/],
  ["GENERAL AUTHENTICATE", 0x6986, /key type not known/],
  ["READ BINARY", 0x6281, /may be corrupted/],
  ["READ BINARY", 0x6282, /end of memory reached before Le bytes/],
  ["READ BINARY", 0x6981, /incompatible with this card/],
  ["READ BINARY", 0x6982, /not authenticated, or the access conditions/],
  ["READ BINARY", 0x6986, /command not allowed/],
  ["READ BINARY", 0x6a81, /function not supported/],
  ["READ BINARY", 0x6a82, /block or byte does not exist/],
  ["READ BINARY", 0x6b00, /wrong parameters P1-P2/],
  ["READ BINARY", 0x6c10, /reader wants Le = 16/],
  ["UPDATE BINARY", 0x6282, /before all Lc bytes were written/],
  ["UPDATE BINARY", 0x6300, /write failed/],
  ["UPDATE BINARY", 0x6581, /could not store/],
  ["UPDATE BINARY", 0x6700, /wrong length/],
  ["UPDATE BINARY", 0x6e00, /class FF not supported/],
  ["UPDATE BINARY", 0x9123, /a status word PC\/SC Part 3 does not define for UPDATE BINARY/],
];

Deno.test("ContactlessError: every Part 3 status word names operation, address and meaning", () => {
  for (const [operation, sw, meaning] of PART3_WORDS) {
    const e = new ContactlessError(operation, sw, [], { address: 12, addressKind: "block" });
    assert.ok(e instanceof SWException);
    assert.equal(e.name, "ContactlessError");
    assert.deepEqual([e.sw1, e.sw2, e.sw, e.address, e.operation], [
      sw >> 8,
      sw & 0xff,
      sw,
      12,
      operation,
    ]);
    const hex = sw.toString(16).toUpperCase().replace(/(..)(..)/, "$1 $2");
    assert.ok(e.message.startsWith(`${operation} of block 12 failed: ${hex}, `), e.message);
    assert.match(e.message, meaning);
  }
  assert.equal(
    new ContactlessError("GET DATA", 0x6a81, [], { detail: "ATS" }).message.slice(0, 30),
    "GET DATA (ATS) failed: 6A 81, ",
  );
});

// ---- pseudo-APDUs over stand-in connections ----

/** A stand-in answering from a table, in either facade's shape, logging what was sent. */
function standIn(
  shape: "pyscard" | "web",
  answer: (apdu: number[]) => number[],
  atr: number[] = [
    0x3b,
    0x8f,
    0x80,
    0x01,
    0x80,
    0x4f,
    0x0c,
    0xa0,
    0,
    0,
    3,
    6,
    3,
    0,
    1,
    0,
    0,
    0,
    0,
    0x6a,
  ],
): { connection: ContactlessConnection; sent: number[][] } {
  const sent: number[][] = [];
  const respond = (command: Uint8Array) => {
    const apdu = [...command];
    sent.push(apdu);
    return answer(apdu);
  };
  const connection = shape === "pyscard"
    ? {
      getATR: () => atr,
      transmit: (command: Uint8Array) => {
        const r = respond(command);
        return Promise.resolve([r.slice(0, -2), r.at(-2), r.at(-1)]);
      },
    }
    : {
      status: () => Promise.resolve({ answerToReset: Uint8Array.from(atr).buffer }),
      transmit: (command: Uint8Array) => Promise.resolve(Uint8Array.from(respond(command)).buffer),
    };
  return { connection: connection as unknown as ContactlessConnection, sent };
}

for (const shape of ["pyscard", "web"] as const) {
  Deno.test(`pseudo-APDUs (${shape} shape): bytes sent, 6C retry, FF 88 fallback, errors`, async () => {
    const { connection, sent } = standIn(shape, (apdu) => {
      if (apdu[1] === 0xca) return apdu[4] === 0 ? [0x6c, 0x04] : [1, 2, 3, 4, 0x90, 0];
      if (apdu[1] === 0x86) return [0x6e, 0x00];
      if (apdu[1] === 0x88) return [0x90, 0x00];
      if (apdu[1] === 0xb0) return [...new Array(16).fill(7), 0x90, 0];
      if (apdu[1] === 0x82) return [0x69, 0x86];
      return [0x90, 0x00];
    });
    assert.deepEqual(await getUid(connection), [1, 2, 3, 4]);
    assert.deepEqual(sent.splice(0), [[0xff, 0xca, 0, 0, 0], [0xff, 0xca, 0, 0, 4]]);
    await authenticate(connection, 8, "B", 1);
    assert.deepEqual(sent.splice(0), [
      [0xff, 0x86, 0, 0, 5, 1, 0, 8, 0x61, 1],
      [0xff, 0x88, 0, 8, 0x61, 1],
    ]);
    await assert.rejects(loadKey(connection, [1, 2, 3, 4, 5, 6], { slot: 0x20 }), (e: unknown) => {
      assert.ok(e instanceof ContactlessError);
      assert.match(e.message, /^LOAD KEYS of key slot 32 failed: 69 86/);
      return true;
    });
    assert.deepEqual(sent.splice(0), [[0xff, 0x82, 0, 0x20, 6, 1, 2, 3, 4, 5, 6]]);
    await loadKey(connection, new Uint8Array(6), { slot: 3, volatile: false }).catch(() => {});
    assert.equal(sent.splice(0)[0][2], 0x20, "non-volatile: P1 20");
    assert.equal((await readBinary(connection, 0x0104, 16)).length, 16);
    assert.deepEqual(sent.splice(0), [[0xff, 0xb0, 1, 4, 16]]);
    assert.deepEqual(await readPages(connection, 4, 5), new Array(20).fill(7));
    assert.deepEqual(sent.splice(0), [[0xff, 0xb0, 0, 4, 16], [0xff, 0xb0, 0, 8, 16]]);
  });
}

Deno.test("updateBinary: the ATR picks the rules; an unnamed card gets both; bad input never sent", async () => {
  const ultralight = [
    0x3b,
    0x8f,
    0x80,
    0x01,
    0x80,
    0x4f,
    0x0c,
    0xa0,
    0,
    0,
    3,
    6,
    3,
    0,
    3,
    0,
    0,
    0,
    0,
    0x68,
  ];
  const tag = standIn("pyscard", () => [0x90, 0], ultralight);
  await updateBinary(tag.connection, 7, [1, 2, 3, 4]); // page 7 of a tag: not a trailer
  await assert.rejects(updateBinary(tag.connection, 2, [0, 0, 0xff, 0xff]), UnsafeWriteError);
  const unnamed = standIn("web", () => [0x90, 0], [0x3b, 0x02, 0x14, 0x50]); // not contactless
  await updateBinary(unnamed.connection, 3, new Array(16).fill(0)); // no rules apply
  // a connection that cannot tell its ATR: both sets of rules
  const unknown = standIn("web", () => [0x90, 0]);
  (unknown.connection as { status?: unknown }).status = () => Promise.reject(new Error("gone"));
  await assert.rejects(
    updateBinary(unknown.connection, 3, new Array(16).fill(0)),
    /trailer of sector 0/,
  );
  await assert.rejects(updateBinary(unknown.connection, 2, [0, 0, 1, 0]), /static lock bytes/);
  // a block write from address 1 or 2 would reach a Type 2 tag's lock bytes and CC as well
  await assert.rejects(updateBinary(unknown.connection, 1, new Array(16).fill(0)), /lock bytes/);
  await assert.rejects(
    updateBinary(unknown.connection, 2, new Array(16).fill(0), { allowLockBytes: true }),
    /capability container/,
  );
  const sent = tag.sent.length;
  await assert.rejects(updateBinary(tag.connection, 4, []), /nothing to write/);
  await assert.rejects(updateBinary(tag.connection, 0x10000, [1]), RangeError);
  await assert.rejects(updateBinary(tag.connection, 4, [256]), RangeError);
  await assert.rejects(writePage(tag.connection, 4, [1, 2, 3]), /4 bytes, not 3/);
  await assert.rejects(
    writePage(tag.connection, 4, [1, 2, 3, 4], { sectorTrailer: true } as never),
    /not Type 2 pages/,
  );
  await assert.rejects(readPages(tag.connection, 250, 7), RangeError);
  await assert.rejects(readBinary(tag.connection, 0, 256), RangeError);
  assert.equal(tag.sent.length, sent);
});
