/**
 * T=0 response handling against a virtual T=0 card that answers in pieces, asks for another
 * Le, and loops: the connection's opt-in, in both transmit forms.
 */

import assert from "node:assert/strict";
import {
  CardConnection,
  type CardConnectionEvent,
  CardConnectionException,
  readers,
} from "../../mod.ts";
import { ATR_T0 } from "../cards/atrs.ts";
import { PIECES_DATA, READ_BINARY_DATA } from "../cards/t0_card.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import type { VirtualCard } from "../support/virtual_card.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0] = skipped ? [""] : stack.readerNames;
const T0 = CardConnection.T0_protocol;
const T0_CARD = new URL("../cards/t0_card.ts", import.meta.url);

/** A test with the T=0 card in reader 0 and a T=0 connection to it. */
function withT0Card(name: string, fn: (c: CardConnection, card: VirtualCard) => Promise<void>) {
  onStack(name, async () => {
    await using card = stack.card({ atr: ATR_T0, reader: 0, behaviour: T0_CARD });
    await card.insert();
    await cardPresent(READER0);
    {
      using connection = readers().find((r) => r.name === READER0)!.createConnection();
      await connection.connect(T0);
      await fn(connection, card);
    }
    await card.remove();
    await cardPresent(READER0, false);
  });
}

const GET_DATA = [0x00, 0xCA, 0x00, 0x00, 0x00];

withT0Card("off by default: 61xx comes back as it is", async (connection) => {
  assert.equal(connection.getT0ResponseHandling(), null);
  assert.deepEqual(await connection.transmit(GET_DATA), [[], 0x61, 40]);
});

withT0Card(
  "61xx: GET RESPONSE until the end, the pieces concatenated, every exchange observed",
  async (connection, card) => {
    connection.setT0ResponseHandling(true);
    const seen: string[] = [];
    connection.addObserver({
      update(_c, event: CardConnectionEvent) {
        if (event.type === "command") seen.push(`> ${(event.args[0] as number[]).slice(0, 2)}`);
        if (event.type === "response") seen.push(`< ${event.args.slice(1)}`);
      },
    });
    assert.deepEqual(await connection.transmit(GET_DATA), [[...PIECES_DATA], 0x90, 0x00]);
    assert.deepEqual(seen, [
      "> 0,202",
      "< 97,40",
      "> 0,192",
      "< 97,24",
      "> 0,192",
      "< 97,8",
      "> 0,192",
      "< 144,0",
    ]);
    const log = await card.apduLog();
    assert.deepEqual(log.slice(-3), [
      [0x00, 0xC0, 0x00, 0x00, 40],
      [0x00, 0xC0, 0x00, 0x00, 24],
      [0x00, 0xC0, 0x00, 0x00, 8],
    ]);
    // the same through transmitSync
    assert.deepEqual(connection.transmitSync(GET_DATA), [[...PIECES_DATA], 0x90, 0x00]);
  },
);

withT0Card(
  "GET RESPONSE takes the command's channel, without secure messaging",
  async (connection, card) => {
    connection.setT0ResponseHandling(true);
    // channel 1 with SM bits set, and a proprietary class on channel 2
    for (const [cla, getCla] of [[0x0D, 0x01], [0x82, 0x02]]) {
      const [data, sw1, sw2] = await connection.transmit([cla, 0xCA, 0x00, 0x00, 0x00]);
      assert.deepEqual([data.length, sw1, sw2], [40, 0x90, 0x00]);
      assert.equal((await card.apduLog()).at(-1)![0], getCla);
    }
  },
);

withT0Card(
  "6Cxx: the case 2 command again with the Le the card asks for",
  async (connection, card) => {
    connection.setT0ResponseHandling(true);
    const wrongLe = [0x00, 0xB0, 0x00, 0x00, 0x00];
    assert.deepEqual(await connection.transmit(wrongLe), [[...READ_BINARY_DATA], 0x90, 0x00]);
    assert.deepEqual((await card.apduLog()).slice(-2), [wrongLe, [0x00, 0xB0, 0x00, 0x00, 0x08]]);
    // with only GET RESPONSE handled, 6Cxx comes back as it is
    connection.setT0ResponseHandling({ resendWithLe: false });
    assert.deepEqual(connection.transmitSync(wrongLe), [[], 0x6C, 0x08]);
  },
);

withT0Card("a card that loops is given up on after maxRounds", async (connection, card) => {
  connection.setT0ResponseHandling({ maxRounds: 5 });
  const loop = [0x00, 0xEE, 0x00, 0x00, 0x00];
  await assert.rejects(connection.transmit(loop), (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.match(e.message, /still answers 61 10 after 5 follow-up commands/);
    return true;
  });
  assert.equal((await card.apduLog()).filter((c) => c[1] === 0xC0).length, 5);
  assert.throws(() => connection.transmitSync(loop), /after 5 follow-up commands/);
});
