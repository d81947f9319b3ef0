/**
 * NFC Forum Type 2 pages through the real pcscd: the kit's virtual NTAG answers PC/SC Part 3
 * pseudo-APDUs; reads, page writes, the capability container and the lock-byte refusals, over
 * both facades' connections.
 */

import assert from "node:assert/strict";
import { type CardConnection, readers } from "../../mod.ts";
import {
  ContactlessError,
  getAts,
  getUid,
  readBinary,
  readCapabilityContainer,
  readPages,
  TYPE2_TAG_LAYOUTS,
  type2Layout,
  UnsafeWriteError,
  updateBinary,
  writePage,
} from "../../src/contactless/mod.ts";
import { smartCard } from "../../src/web/mod.ts";
import { READER_NAMES, type VirtualNtag, virtualNtag } from "../../src/testing/mod.ts";
import "../support/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../support/presence.ts";

// Each test's tag leaves with its `await using`: wait until pcscd has seen it go, so that
// the next test's waitPresent sees the next tag, not this one.
const { stack, onStack } = await stackFixture({
  after: (stack) => stack.running ? cardPresent(READER_NAMES[0], false) : Promise.resolve(),
});
const UID = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];

/** A connection to `tag` once pcscd has seen it. */
async function connect(tag: VirtualNtag): Promise<CardConnection> {
  await tag.insert();
  await tag.waitPresent();
  const connection = readers().find((r) => r.name === tag.readerName)!.createConnection();
  await connection.connect();
  return connection;
}

onStack("Type 2: UID, no ATS, pages and the capability container of an NTAG215", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG215", uid: UID });
  using connection = await connect(tag);
  assert.deepEqual(await getUid(connection), UID);
  await assert.rejects(getAts(connection), (e: unknown) => {
    assert.ok(e instanceof ContactlessError);
    assert.equal(e.sw, 0x6a81);
    assert.match(e.message, /^GET DATA \(ATS\) failed: 6A 81, function not supported/);
    return true;
  });
  const cc = await readCapabilityContainer(connection);
  assert.deepEqual(cc.bytes, [0xe1, 0x10, 0x3e, 0x00]);
  assert.equal(cc.ndef, true);
  assert.equal(cc.dataAreaSize, 496);
  assert.equal(type2Layout(cc), TYPE2_TAG_LAYOUTS.NTAG215);
  // pages 0-2: UID with its check bytes, internal byte, static locks
  const head = await readPages(connection, 0, 3);
  assert.deepEqual(head.slice(0, 3), UID.slice(0, 3));
  assert.equal(head[3], 0x88 ^ 0x04 ^ 0x11 ^ 0x22);
  assert.deepEqual(await readPages(connection, 4, 1), [0x03, 0x00, 0xfe, 0x00]);
  // an odd count across 4-page reads, and the last pages of memory (the tag rolls over)
  assert.deepEqual(await readPages(connection, 3, 6), await tag.pages(3, 6));
  assert.deepEqual(await readPages(connection, 133, 2), [0, 0, 0, 0, 0, 0, 0, 0]);
  await assert.rejects(readBinary(connection, 135, 4), (e: unknown) => {
    assert.ok(e instanceof ContactlessError);
    assert.equal(e.sw, 0x6a82);
    assert.match(e.message, /^READ BINARY of block 135 failed: 6A 82/);
    return true;
  });
});

onStack("Type 2: page writes land in the tag's memory, data area only by default", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG213" });
  using connection = await connect(tag);
  await writePage(connection, 4, [0x03, 0x04, 0xd1, 0x01]);
  await writePage(connection, 39, [1, 2, 3, 4]); // last data page: needs the layout, read from the CC
  await writePage(connection, 20, new Uint8Array([9, 9, 9, 9]), {
    type2Layout: TYPE2_TAG_LAYOUTS.NTAG213,
  });
  assert.deepEqual(await tag.pages(4), [0x03, 0x04, 0xd1, 0x01]);
  assert.deepEqual(await tag.pages(39), [1, 2, 3, 4]);
  assert.deepEqual(await tag.pages(20), [9, 9, 9, 9]);
  assert.deepEqual(await readPages(connection, 39, 1), [1, 2, 3, 4]);
  // updateBinary with 4 bytes to a tag named Ultralight by its ATR applies the same rules
  await updateBinary(connection, 5, [5, 5, 5, 5]);
  assert.deepEqual(await tag.pages(5), [5, 5, 5, 5]);
});

onStack(
  "Type 2: lock bytes, CC, configuration and UID are refused before anything is sent",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG213" });
    using connection = await connect(tag);
    const before = await tag.memory();
    const sent = (await tag.apduLog()).length;
    const refusals: [number, RegExp][] = [
      [2, /page 2 holds the static lock bytes.*allowLockBytes: true/],
      [3, /page 3 is the capability container.*allowCapabilityContainer: true/],
      [
        40,
        /page 40 holds the dynamic lock bytes of a MIFARE Ultralight C or NTAG213.*allowLockBytes/,
      ],
      [41, /page 41 lies after the data area.*allowConfiguration: true/],
      [0, /page 0 of a Type 2 tag holds its UID/],
    ];
    for (const [page, message] of refusals) {
      await assert.rejects(writePage(connection, page, [0xff, 0xff, 0xff, 0]), (e: unknown) => {
        assert.ok(e instanceof UnsafeWriteError, String(e));
        assert.equal(e.address, page);
        assert.match(e.message, message);
        return true;
      });
      await assert.rejects(updateBinary(connection, page, [0xff, 0xff, 0xff, 0]), UnsafeWriteError);
    }
    await assert.rejects(
      writePage(connection, 45, [0, 0, 0, 0], {
        type2Layout: TYPE2_TAG_LAYOUTS.NTAG213,
      }),
      /a NTAG213 has pages 0..44: no page 45/,
    );
    assert.deepEqual(await tag.memory(), before);
    // only the capability-container reads for pages past 15 reached the tag
    const log = (await tag.apduLog()).slice(sent);
    assert.ok(log.every((apdu) => apdu[1] === 0xb0), "no write was sent");
  },
);

onStack(
  "Type 2: asked for, lock bits are set for ever and locked pages refuse writes",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG213" });
    using connection = await connect(tag);
    // L4 and L-CC (lock byte 0 bits 4 and 3)
    await writePage(connection, 2, [0, 0, 0x18, 0x00], { allowLockBytes: true });
    assert.deepEqual((await tag.pages(2)).slice(2), [0x18, 0x00]);
    await assert.rejects(writePage(connection, 4, [1, 1, 1, 1]), (e: unknown) => {
      assert.ok(e instanceof ContactlessError);
      assert.equal(e.sw, 0x6300);
      assert.match(e.message, /^UPDATE BINARY of page 4 failed: 63 00/);
      return true;
    });
    await assert.rejects(
      writePage(connection, 3, [0, 0, 0, 0x0f], { allowCapabilityContainer: true }),
      ContactlessError,
    );
    // lock bits cannot be cleared
    await writePage(connection, 2, [0, 0, 0, 0], { allowLockBytes: true });
    assert.deepEqual((await tag.pages(2)).slice(2), [0x18, 0x00]);
    // dynamic lock bit 0 locks pages 16-17 on the NTAG213
    await writePage(connection, 40, [0x01, 0, 0, 0], { allowLockBytes: true });
    await assert.rejects(writePage(connection, 17, [1, 2, 3, 4]), ContactlessError);
    await writePage(connection, 18, [1, 2, 3, 4]);
  },
);

onStack("Type 2: the same functions over the Web API's SmartCardConnection", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG216", uid: UID });
  await tag.insert();
  await tag.waitPresent();
  const context = await smartCard.establishContext();
  const { connection } = await context.connect(tag.readerName!, "shared", {
    preferredProtocols: ["t0", "t1"],
  });
  try {
    assert.deepEqual(await getUid(connection), UID);
    assert.equal((await readCapabilityContainer(connection)).dataAreaSize, 872);
    await writePage(connection, 225, [7, 7, 7, 7]);
    assert.deepEqual(await readPages(connection, 225, 1), [7, 7, 7, 7]);
    await assert.rejects(writePage(connection, 226, [1, 0, 0, 0]), UnsafeWriteError);
  } finally {
    await connection.disconnect();
  }
});

onStack("Type 2 tests: stop the daemon (cleanup)", () => stack.stop());
