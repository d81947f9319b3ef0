/**
 * The test stack itself: the private pcscd, its virtual readers and the
 * virtual cards, checked without the library under test.
 */

import assert from "node:assert/strict";
import { stackFixture } from "../support/fixture.ts";
import { READER_NAMES } from "../../src/testing/stack.ts";
import { MAX_VPCD_MESSAGE } from "../../src/testing/virtual_card.ts";
import { VirtualCard } from "../support/virtual_card.ts";
import { until } from "../support/until.ts";
import { ATR_T0, ATR_T0_T1, ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";

const GET_ATR = 0x04;

const { stack, onStack } = await stackFixture();

/** Whether pcscd has read the card's ATR since the card's control log had `seen` entries. */
async function atrReadSince(card: VirtualCard, seen: number): Promise<boolean> {
  return (await card.controlLog()).slice(seen).includes(GET_ATR);
}

async function socketAccepts(): Promise<boolean> {
  try {
    const path = `${Deno.env.get("PCSC_TEST_DIR")}/run/pcscd.comm`;
    (await Deno.connect({ transport: "unix", path })).close();
    return true;
  } catch {
    return false;
  }
}

onStack("stack: the daemon accepts clients and has both virtual readers", async () => {
  assert.deepEqual(stack.readerNames, READER_NAMES);
  assert.equal(stack.ports[1], stack.ports[0] + 1);
  assert.equal(
    Deno.env.get("PCSCLITE_CSOCK_NAME"),
    `${Deno.env.get("PCSC_TEST_DIR")}/run/pcscd.comm`,
  );
  assert.ok(await socketAccepts());
});

onStack("stack: pcscd powers up a card in either reader and reads its ATR", async () => {
  await using first = stack.card({ atr: ATR_T0, reader: 0 });
  await using second = stack.card({ atr: ATR_T1, reader: 1 });
  assert.equal(first.port, stack.ports[0]);
  assert.equal(second.port, stack.ports[1]);
  await first.insert();
  await second.insert();
  await until("pcscd to read the ATR in reader 0", () => atrReadSince(first, 0));
  await until("pcscd to read the ATR in reader 1", () => atrReadSince(second, 0));
});

onStack("stack: a card can be removed and inserted again", async () => {
  await using card = stack.card({ atr: ATR_T0_T1 });
  for (let round = 0; round < 3; round++) {
    const seen = (await card.controlLog()).length;
    await card.insert();
    assert.ok(card.inserted);
    await until(`the ATR to be read in round ${round}`, () => atrReadSince(card, seen));
    await card.remove();
    assert.equal(card.inserted, false);
  }
  await assert.rejects(async () => {
    await card.remove(); // idempotent
    await card.insert();
    await card.insert();
  }, /already inserted/);
});

onStack("stack: restart without readers, then with them", async () => {
  await stack.restart({ readers: false });
  assert.deepEqual(stack.readerNames, []);
  assert.ok(await socketAccepts());
  await using card = stack.card({ atr: ATR_T1 });
  // No reader listens, so there is nothing to insert the card into.
  await assert.rejects(() => card.insert(), /refused/i);

  await stack.restart({ readers: true });
  assert.deepEqual(stack.readerNames, READER_NAMES);
  await card.insert();
  await until("pcscd to read the ATR after the restart", () => atrReadSince(card, 0));
});

onStack("stack: stopping the daemon drops inserted cards", async () => {
  await using card = stack.card({ atr: ATR_T1 });
  await card.insert();
  await until("pcscd to read the ATR", () => atrReadSince(card, 0));
  await stack.stop();
  assert.equal(stack.running, false);
  assert.equal(await socketAccepts(), false);
  await until("the card to see the reader go", () => !card.inserted);
  await stack.start();
  await card.insert();
  await until("pcscd to read the ATR again", () => atrReadSince(card, 0));
});

Deno.test("virtual card: speaks vpcd's protocol and answers as the test card", async () => {
  // A stand-in for the vpcd driver, so this runs even where pcscd cannot.
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using card = new VirtualCard({ atr: ATR_T1, host: "127.0.0.1", port: listener.addr.port });
  const [, reader] = await Promise.all([card.insert(), listener.accept()]);
  using _reader = reader;
  const exchange = async (payload: number[]): Promise<number[]> => {
    await reader.write(Uint8Array.from([payload.length >> 8, payload.length & 0xff, ...payload]));
    const header = await readExact(reader, 2);
    return [...await readExact(reader, (header[0] << 8) | header[1])];
  };
  const pattern = (n: number): number[] => Array.from({ length: n }, (_, i) => i & 0xff);

  await reader.write(Uint8Array.from([0, 1, 0x01])); // power on: no answer expected
  assert.deepEqual(await exchange([GET_ATR]), ATR_T1);
  assert.deepEqual(await exchange([0, 0xa4, 4, 0, TEST_AID.length, ...TEST_AID, 0]), [
    ...TEST_FCI,
    0x90,
    0x00,
  ]);
  assert.deepEqual(await exchange([0, 0xa4, 4, 0, 2, 0x3f, 0]), [0x6a, 0x82]);
  const challenge = await exchange([0, 0x84, 0, 0, 8]);
  assert.equal(challenge.length, 10);
  assert.notDeepEqual(await exchange([0, 0x84, 0, 0, 8]), challenge);
  assert.deepEqual(await exchange([0, 0x10, 0, 0]), [0x90, 0x00]);
  assert.deepEqual(await exchange([0, 0x10, 0, 0, 0]), [0x67, 0x00]);
  assert.deepEqual(await exchange([0, 0x20, 0, 0, 0]), [...pattern(256), 0x90, 0x00]);
  assert.deepEqual(await exchange([0, 0x20, 0, 0, 0, 0x10, 0]), [...pattern(4096), 0x90, 0x00]);
  assert.deepEqual(await exchange([0, 0x30, 0, 0, 0, 1, 0, ...pattern(256)]), [0x90, 0x00]);
  assert.deepEqual(await exchange([0, 0x40, 0, 0, 3, 7, 8, 9, 0]), [7, 8, 9, 0x90, 0x00]);
  assert.deepEqual(await exchange([0, 0x40, 0, 0, 0, 1, 0, ...pattern(256), 0, 0]), [
    ...pattern(256),
    0x90,
    0x00,
  ]);
  assert.deepEqual(await exchange([0, 0xe0, 0x6a, 0x82]), [0x6a, 0x82]);
  assert.deepEqual(await exchange([0, 0x99, 0, 0]), [0x6d, 0x00]);
  // 65536 bytes + SW cannot be framed: the card says so instead of misframing.
  assert.deepEqual(await exchange([0, 0x20, 0, 0, 0, 0, 0]), [0x6f, 0x00]);
  const largest = await exchange([0, 0x20, 0, 0, 0, 0xff, 0xfd]);
  assert.equal(largest.length, MAX_VPCD_MESSAGE);

  assert.deepEqual((await card.apduLog())[0].slice(0, 2), [0, 0xa4]);
  assert.deepEqual(await card.controlLog(), [0x01, GET_ATR]);
  await card.remove();
  assert.equal(await reader.read(new Uint8Array(1)), null, "the card closed its end");
});

async function readExact(conn: Deno.Conn, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  for (let filled = 0; filled < length;) {
    const n = await conn.read(buffer.subarray(filled));
    if (n === null) throw new Error("the card closed the connection");
    filled += n;
  }
  return buffer;
}
