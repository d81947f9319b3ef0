/**
 * MIFARE Classic through the real pcscd: the kit's virtual card with keys and access
 * conditions enforced, driven by the Part 3 pseudo-APDUs; the trailer refusal; the FF 88
 * fallback; the Web API's connection.
 */

import assert from "node:assert/strict";
import { type CardConnection, readers, SWException } from "../../mod.ts";
import {
  authenticate,
  ContactlessError,
  contactlessInfo,
  decodeSectorTrailer,
  decodeValueBlock,
  encodeSectorTrailer,
  encodeValueBlock,
  getUid,
  loadKey,
  readBinary,
  UnsafeWriteError,
  updateBinary,
} from "../../src/contactless/mod.ts";
import { smartCard } from "../../src/web/mod.ts";
import {
  READER_NAMES,
  type VirtualMifareClassic,
  virtualMifareClassic,
} from "../../src/testing/mod.ts";
import "../support/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../support/presence.ts";

const { stack, onStack } = await stackFixture({
  after: (stack) => stack.running ? cardPresent(READER_NAMES[0], false) : Promise.resolve(),
});

const KEY_A = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5];
const KEY_B = [0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5];
const TRANSPORT = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const ramp = (start: number) => Array.from({ length: 16 }, (_, i) => (start + i) & 0xff);
const isSw = (sw: number, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof ContactlessError, String(e));
  assert.ok(e instanceof SWException);
  assert.equal(e.sw, sw);
  if (message) assert.match(e.message, message);
  return true;
};

async function connect(card: VirtualMifareClassic): Promise<CardConnection> {
  await card.insert();
  await card.waitPresent();
  const connection = readers().find((r) => r.name === card.readerName)!.createConnection();
  await connection.connect();
  return connection;
}

onStack("MIFARE 1K: the ATR names it; UID; transport keys read and write", async () => {
  await using card = virtualMifareClassic(stack, { uid: [0xde, 0xad, 0xbe, 0xef] });
  using connection = await connect(card);
  const info = contactlessInfo(connection.getATR());
  assert.equal(info?.kind, "storage");
  assert.equal(info?.kind === "storage" && info.card.name, "Mifare Standard 1K");
  assert.deepEqual(await getUid(connection), [0xde, 0xad, 0xbe, 0xef]);
  await assert.rejects(
    readBinary(connection, 4, 16),
    isSw(0x6982, /^READ BINARY of block 4 failed: 69 82, security status not satisfied/),
  );
  await loadKey(connection, TRANSPORT, { slot: 1 });
  await authenticate(connection, 4, "A", 1);
  await updateBinary(connection, 5, ramp(0x10));
  assert.deepEqual(await readBinary(connection, 5, 16), ramp(0x10));
  assert.deepEqual(await card.block(5), ramp(0x10));
  // another sector needs its own authentication
  await assert.rejects(readBinary(connection, 8, 16), isSw(0x6982));
  // the trailer reads with key A as zeros, access bits and (readable) key B as they are
  await authenticate(connection, 7, "A", 1);
  const trailer = await readBinary(connection, 7, 16);
  assert.deepEqual(trailer, [0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x80, 0x69, ...TRANSPORT]);
  assert.deepEqual(decodeSectorTrailer(trailer).accessConditions, [0, 0, 0, 1]);
});

onStack(
  "MIFARE: wrong key, empty or invalid slot, refused key structure: clear errors",
  async () => {
    await using card = virtualMifareClassic(stack, {
      sectors: { 1: { keyA: KEY_A, keyB: KEY_B } },
    });
    using connection = await connect(card);
    await loadKey(connection, TRANSPORT, { slot: 0 });
    await assert.rejects(
      authenticate(connection, 4, "A", 0),
      isSw(0x6300, /^GENERAL AUTHENTICATE of block 4 failed: 63 00, authentication failed/),
    );
    await assert.rejects(
      authenticate(connection, 4, "A", 1),
      isSw(0x6984, /reference key not usable/),
    );
    await assert.rejects(authenticate(connection, 4, "A", 5), isSw(0x6988, /key number not valid/));
    await assert.rejects(
      loadKey(connection, KEY_A, { slot: 2 }),
      isSw(0x6988, /^LOAD KEYS of key slot 2 failed: 69 88/),
    );
    await assert.rejects(
      loadKey(connection, KEY_A, { volatile: false }),
      isSw(0x6987, /non-volatile memory is not available/),
    );
    await assert.rejects(authenticate(connection, 64, "A", 0), isSw(0x6a82, /does not exist/));
    // bad input never reaches the reader
    const sent = (await card.apduLog()).length;
    await assert.rejects(loadKey(connection, [1, 2, 3]), RangeError);
    await assert.rejects(authenticate(connection, 256, "A"), RangeError);
    await assert.rejects(authenticate(connection, 4, "C" as "A"), TypeError);
    await assert.rejects(readBinary(connection, 4, 0), RangeError);
    await assert.rejects(
      updateBinary(connection, 64, ramp(0)),
      /blocks 0..63: block 64 do not exist/,
    );
    assert.equal((await card.apduLog()).length, sent);
  },
);

onStack(
  "MIFARE: access conditions enforced per key (read-only with A, written with B)",
  async () => {
    // data group 0: 100 (read A|B, write B); group 1: 010 (read-only); group 2: 011 (B only);
    // trailer 011 (keys and bits written with B, key B not readable)
    const conditions = [0b100, 0b010, 0b011, 0b011] as const;
    await using card = virtualMifareClassic(stack, {
      type: "4K",
      blocks: { 4: ramp(0x40), 6: ramp(0x60), 130: ramp(0x82) },
      sectors: {
        1: { keyA: KEY_A, keyB: KEY_B, accessConditions: conditions },
        32: { keyA: KEY_A, keyB: KEY_B, accessConditions: conditions },
      },
    });
    using connection = await connect(card);
    await loadKey(connection, KEY_A, { slot: 0 });
    await loadKey(connection, KEY_B, { slot: 1 });
    await authenticate(connection, 4, "A", 0);
    assert.deepEqual(await readBinary(connection, 4, 16), ramp(0x40));
    await assert.rejects(updateBinary(connection, 4, ramp(1)), isSw(0x6982));
    await assert.rejects(readBinary(connection, 6, 16), isSw(0x6982)); // group 2: key B only
    await authenticate(connection, 4, "B", 1);
    await updateBinary(connection, 4, ramp(1));
    await assert.rejects(updateBinary(connection, 5, ramp(1)), isSw(0x6982)); // read-only
    assert.deepEqual(await readBinary(connection, 6, 16), ramp(0x60));
    assert.deepEqual(await card.block(4), ramp(1));
    // a 16-block sector of the 4K: blocks 128-132 are group 0, 133-137 group 1
    await authenticate(connection, 130, "A", 0);
    assert.deepEqual(await readBinary(connection, 130, 16), ramp(0x82));
    await assert.rejects(updateBinary(connection, 130, ramp(2)), isSw(0x6982));
    await authenticate(connection, 143, "B", 1);
    await updateBinary(connection, 130, ramp(2));
    await assert.rejects(updateBinary(connection, 135, ramp(2)), isSw(0x6982));
  },
);

onStack("MIFARE: a trailer is written only from encodeSectorTrailer and when asked", async () => {
  await using card = virtualMifareClassic(stack);
  using connection = await connect(card);
  await loadKey(connection, TRANSPORT);
  await authenticate(connection, 7, "A");
  const before = await card.memory();
  const sent = (await card.apduLog()).length;
  const raw = [...KEY_A, 0xff, 0x07, 0x80, 0x69, ...KEY_B];
  await assert.rejects(updateBinary(connection, 7, raw), (e: unknown) => {
    assert.ok(e instanceof UnsafeWriteError);
    assert.equal(e.address, 7);
    assert.match(
      e.message,
      /block 7 is the trailer of sector 1.*encodeSectorTrailer and pass \{ sectorTrailer: true \}/,
    );
    return true;
  });
  await assert.rejects(
    updateBinary(connection, 7, raw, { sectorTrailer: true }),
    /only a trailer made by encodeSectorTrailer/,
  );
  const trailer = encodeSectorTrailer({
    keyA: KEY_A,
    keyB: KEY_B,
    accessConditions: [0, 0, 0, 0b011],
  });
  await assert.rejects(updateBinary(connection, 7, trailer), UnsafeWriteError);
  await assert.rejects(
    updateBinary(connection, 4, [...ramp(0), ...ramp(0), ...ramp(0), ...trailer], {
      sectorTrailer: true,
    }),
    /covers blocks 4..7/,
  );
  const changed = encodeSectorTrailer({ keyA: KEY_A, keyB: KEY_B, accessConditions: [0, 0, 0, 1] });
  changed[7] = 0x00; // a broken inverted copy
  await assert.rejects(
    updateBinary(connection, 7, changed, { sectorTrailer: true }),
    /unchanged since/,
  );
  await assert.rejects(
    updateBinary(connection, 6, trailer, { sectorTrailer: true }),
    /block 6 is not a sector trailer/,
  );
  assert.equal((await card.apduLog()).length, sent, "nothing was sent");
  assert.deepEqual(await card.memory(), before);

  await updateBinary(connection, 7, trailer, { sectorTrailer: true });
  assert.deepEqual(await card.block(7), Array.from(trailer));
  // the new keys apply: transport key A no longer opens the sector, key B does
  await assert.rejects(authenticate(connection, 4, "A"), isSw(0x6300));
  await loadKey(connection, KEY_B, { slot: 1 });
  await authenticate(connection, 4, "B", 1);
  const value = encodeValueBlock({ value: -1234, address: 4 });
  await updateBinary(connection, 4, value);
  assert.deepEqual(decodeValueBlock(await readBinary(connection, 4, 16)), {
    value: -1234,
    address: 4,
  });
});

onStack("MIFARE: a reader without FF 86 (6D 00) authenticates with FF 88", async () => {
  await using card = virtualMifareClassic(stack, { generalAuthenticate: false });
  using connection = await connect(card);
  await loadKey(connection, TRANSPORT);
  await authenticate(connection, 9, "B");
  const log = await card.apduLog();
  assert.deepEqual(log.at(-2), [0xff, 0x86, 0x00, 0x00, 0x05, 0x01, 0x00, 0x09, 0x61, 0x00]);
  assert.deepEqual(log.at(-1), [0xff, 0x88, 0x00, 0x09, 0x61, 0x00]);
  // key B is readable under the transport trailer: it authenticates but grants nothing
  await assert.rejects(readBinary(connection, 9, 16), isSw(0x6982));
  await authenticate(connection, 9, "A");
  assert.equal((await readBinary(connection, 9, 16)).length, 16);
  await assert.rejects(
    authenticate(connection, 9, "A", 1),
    isSw(0x6984, /^AUTHENTICATE of block 9 failed: 69 84/),
  );
});

onStack("MIFARE over the Web API's SmartCardConnection", async () => {
  await using card = virtualMifareClassic(stack, { type: "Mini" });
  await card.insert();
  await card.waitPresent();
  const context = await smartCard.establishContext();
  const { connection } = await context.connect(card.readerName!, "shared", {
    preferredProtocols: ["t0", "t1"],
  });
  try {
    await loadKey(connection, TRANSPORT);
    await authenticate(connection, 16, "A");
    await updateBinary(connection, 16, ramp(9));
    assert.deepEqual(await readBinary(connection, 16, 16), ramp(9));
    await assert.rejects(updateBinary(connection, 19, ramp(0)), UnsafeWriteError);
    await assert.rejects(
      updateBinary(connection, 20, ramp(0)),
      /MIFARE Classic Mini has blocks 0..19/,
    );
  } finally {
    await connection.disconnect();
  }
});

onStack("MIFARE tests: stop the daemon (cleanup)", () => stack.stop());
