/**
 * A connection's promise calls run in order, really: a call queued behind others checks the
 * connection's state when its turn comes, not when it was made (`c.connect();
 * await c.transmit(x)` works, as the same lines do in pyscard).
 */

import assert from "node:assert/strict";
import {
  CardConnectionDecorator,
  CardConnectionException,
  NoCardException,
  readers,
} from "../../mod.ts";
import { ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";

const { stack: live, skipped, onStack } = await stackFixture();
const READER0 = skipped ? "" : live.readerNames[0];
const SELECT = [0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID];

function reader0() {
  const reader = readers().find((r) => r.name === READER0);
  assert.ok(reader, `${READER0} is listed`);
  return reader;
}

/** A test with a T=1 card in reader 0, removed (as pcscd sees it) afterwards. */
function withCard(name: string, fn: () => Promise<void>): void {
  onStack(name, async () => {
    await using card = live.card({ atr: ATR_T1, reader: 0 });
    await card.insert();
    await cardPresent(READER0);
    await fn();
    await card.remove();
    await cardPresent(READER0, false);
  });
}

withCard("transmit right after an unawaited connect runs once connect has", async () => {
  using connection = reader0().createConnection();
  const connected = connection.connect();
  const [data, sw1, sw2] = await connection.transmit(SELECT);
  await connected;
  assert.deepEqual([data, sw1, sw2], [[...TEST_FCI], 0x90, 0x00]);
});

withCard("a chain of unawaited calls runs in the order it was made", async () => {
  using connection = reader0().createConnection();
  const order: string[] = [];
  const calls = [
    connection.connect().then(() => order.push("connect")),
    connection.transmit(SELECT).then(() => order.push("select")),
    connection.reconnect().then(() => order.push("reconnect")),
    connection.transmit(SELECT).then(([, sw1]) => order.push(`select ${sw1.toString(16)}`)),
  ];
  await Promise.all(calls);
  assert.deepEqual(order, ["connect", "select", "reconnect", "select 90"]);
});

withCard("a second connect queued behind the first is refused when its turn comes", async () => {
  using connection = reader0().createConnection();
  const first = connection.connect();
  const second = connection.connect();
  await first;
  await assert.rejects(second, (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.match(e.message, /already connected/);
    return true;
  });
  assert.equal(connection.connected, true);
});

withCard("a transmit with nothing queued before it is still refused at once", async () => {
  using connection = reader0().createConnection();
  await assert.rejects(connection.transmit(SELECT), {
    name: "CardConnectionException",
    message: "Cannot transmit: card not connected",
  });
});

withCard("through a decorator, as pyscard's samples wrap service.connection", async () => {
  using connection = new CardConnectionDecorator(reader0().createConnection());
  connection.connect();
  const [, sw1, sw2] = await connection.transmit(SELECT);
  assert.deepEqual([sw1, sw2], [0x90, 0x00]);
});

onStack("a transmit queued behind a connect that fails never reaches PC/SC", async () => {
  using connection = reader0().createConnection();
  const connecting = connection.connect();
  const transmitting = connection.transmit(SELECT);
  await assert.rejects(connecting, NoCardException);
  await assert.rejects(transmitting, {
    name: "CardConnectionException",
    message: "Cannot transmit: card not connected",
  });
});
