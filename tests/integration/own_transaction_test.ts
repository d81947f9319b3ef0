/**
 * No call freezes the process while another handle of this process holds a transaction on the
 * reader, on the real pcscd: pcsc-lite makes SCardStatus, SCardTransmit, SCardConnect,
 * SCardReconnect and SCardDisconnect (other than "leave") wait for it, and on the JavaScript
 * thread that wait would never end. Each test proves the event loop runs on (a timer fires)
 * while the transaction is held, and that the call completes, or fails as the module says,
 * once it has ended.
 */

import assert from "node:assert/strict";
import {
  CardConnectionException,
  ExclusiveTransmitCardConnection,
  type PCSCCardConnection,
  readers,
} from "../../mod.ts";
import { smartCard, SmartCardError } from "../../src/web/mod.ts";
import { ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";
import { until } from "../support/until.ts";
import type { VirtualCard } from "../support/virtual_card.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0] = skipped ? [""] : stack.readerNames;
const GET_CHALLENGE = [0x00, 0x84, 0x00, 0x00, 0x04];
// vpcd's control codes: what pcscd did to the card's power
const POWER_OFF = 0x00;
const RESET = 0x02;

/** A timer fires: proof that the event loop is not frozen. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A test with a T=1 card in reader 0 for its duration. */
function withCard(name: string, fn: (card: VirtualCard) => Promise<void>): void {
  onStack(name, async () => {
    await using card = stack.card({ atr: ATR_T1, reader: 0 });
    await card.insert();
    await cardPresent(READER0);
    await fn(card);
    // the next test's card must not be taken for this one
    await card.remove();
    await cardPresent(READER0, false);
  });
}

const connectTo = () =>
  readers().find((r) => r.name === READER0)!.createConnection() as PCSCCardConnection;

/** Waits until the card has been sent `code` after the `seen` first control messages. */
function controlArrives(card: VirtualCard, code: number, seen: number): Promise<void> {
  return until(
    `control message ${code}`,
    async () => (await card.controlLog()).slice(seen).includes(code),
  );
}

/** The refusal a synchronous call gets under another connection's transaction. */
const refusedForTransaction = (what: string) => (e: unknown) => {
  assert.ok(e instanceof CardConnectionException, `expected CardConnectionException: ${e}`);
  assert.match(e.message, new RegExp(`^Cannot ${what}: another connection of this process`));
  assert.ok(e.message.includes(READER0), e.message);
  return true;
};

// ----- the Web Smart Card API -----

withCard("Web API: status() under another context's transaction waits on the pool", async () => {
  const a = await smartCard.establishContext();
  const b = await smartCard.establishContext();
  const options = { preferredProtocols: ["t0", "t1"] as ("t0" | "t1")[] };
  const { connection: x } = await a.connect(READER0, "shared", options);
  const { connection: y } = await b.connect(READER0, "shared", options);
  let status: ReturnType<typeof y.status> | undefined;
  let settled = false;
  await x.startTransaction(async () => {
    status = y.status();
    status.finally(() => settled = true).catch(() => {});
    await tick();
    await tick();
    // the timers fired while SCardStatus waited for this transaction
    assert.equal(settled, false);
    return "leave";
  });
  const { readerName, answerToReset } = await status!;
  assert.equal(readerName, READER0);
  assert.deepEqual([...new Uint8Array(answerToReset!)], ATR_T1);
  await x.disconnect();
  await y.disconnect();
});

withCard("Web API: disconnect('reset') under another context's transaction", async (card) => {
  const a = await smartCard.establishContext();
  const b = await smartCard.establishContext();
  const options = { preferredProtocols: ["t0", "t1"] as ("t0" | "t1")[] };
  const { connection: x } = await a.connect(READER0, "shared", options);
  const { connection: y } = await b.connect(READER0, "shared", options);
  const seen = (await card.controlLog()).length;
  let disconnected: Promise<void> | undefined;
  await x.startTransaction(async () => {
    disconnected = y.disconnect("reset");
    await tick();
    assert.deepEqual((await card.controlLog()).slice(seen), [], "no reset inside the transaction");
    return "leave";
  });
  await disconnected;
  const log = (await card.controlLog()).slice(seen);
  assert.ok(log.includes(RESET), `the card was reset after: ${log}`);
  // the holder hears of the reset the other connection asked for
  await assert.rejects(
    x.transmit(new Uint8Array(GET_CHALLENGE)),
    (e: unknown) => e instanceof SmartCardError && e.responseCode === "reset-card",
  );
  await x.disconnect();
});

// ----- pyscard's API -----

withCard(
  "getATR and transmitSync under another connection's transaction fail at once",
  async () => {
    using holder = connectTo();
    using other = connectTo();
    await holder.connect();
    await other.connect();
    await holder.beginTransaction();
    assert.throws(() => other.getATR(), refusedForTransaction("getATR"));
    assert.throws(() => other.transmitSync(GET_CHALLENGE), refusedForTransaction("transmitSync"));
    assert.throws(() => other.reconnectSync(), refusedForTransaction("reconnectSync"));
    // the promise forms wait on the pool instead, while the event loop runs
    let settled = false;
    const waiting = other.transmit(GET_CHALLENGE).finally(() => settled = true);
    const reading = other.readATR().finally(() => settled = true);
    await tick();
    assert.equal(settled, false);
    // the holder's own calls are not held up
    assert.deepEqual(holder.getATR(), ATR_T1);
    assert.equal(holder.transmitSync(GET_CHALLENGE)[1], 0x90);
    await holder.endTransaction();
    assert.equal((await waiting)[1], 0x90);
    assert.deepEqual(await reading, ATR_T1);
    assert.deepEqual(other.getATR(), ATR_T1);
  },
);

withCard("a synchronous connect to a reader another connection holds is refused", async () => {
  using holder = connectTo();
  await holder.connect();
  await holder.beginTransaction();
  using late = connectTo();
  assert.throws(() => late.connectSync(), refusedForTransaction("connectSync"));
  const connecting = late.connect();
  await tick();
  await holder.endTransaction();
  await connecting;
  assert.deepEqual(late.getATR(), ATR_T1);
});

withCard("disconnect() under another connection's transaction returns at once", async (card) => {
  using holder = connectTo();
  using other = connectTo();
  await holder.connect();
  await other.connect();
  const seen = (await card.controlLog()).length;
  await holder.beginTransaction();
  other.disconnect(); // SCARD_UNPOWER_CARD, the default: pcsc-lite would wait for the holder
  assert.equal(other.connected, false);
  assert.throws(() => other.getATR(), /not connected/);
  await tick();
  assert.deepEqual((await card.controlLog()).slice(seen), [], "no power-off inside it");
  await holder.endTransaction();
  // the disconnect, with its disposition, runs once the transaction has ended
  await controlArrives(card, POWER_OFF, seen);
});

withCard("release() and the end of a using block under another's transaction", async (card) => {
  using holder = connectTo();
  await holder.connect();
  // connected before the transaction: a connect would wait for its end, as pcsc-lite's does
  const released = connectTo();
  await released.connect();
  const scoped = connectTo();
  await scoped.connect();
  await holder.beginTransaction();
  const seen = (await card.controlLog()).length;
  released.release();
  assert.throws(() => released.getATR(), /released/);
  {
    using _ = scoped;
  } // scoped is released here: neither waits for the holder
  await tick();
  assert.deepEqual((await card.controlLog()).slice(seen), []);
  await holder.endTransaction();
  await controlArrives(card, POWER_OFF, seen);
});

withCard("the same under ExclusiveTransmitCardConnection's lock and transaction", async (card) => {
  using exclusive = new ExclusiveTransmitCardConnection(connectTo());
  await exclusive.connect();
  using other = connectTo();
  await other.connect();
  await exclusive.lock();
  assert.throws(() => other.transmitSync(GET_CHALLENGE), refusedForTransaction("transmitSync"));
  exclusive.unlock();
  assert.equal(other.transmitSync(GET_CHALLENGE)[1], 0x90);
  const seen = (await card.controlLog()).length;
  const challenge = await exclusive.transaction(async (c) => {
    assert.throws(() => other.getATR(), refusedForTransaction("getATR"));
    other.release();
    await tick();
    return (await c.transmit(GET_CHALLENGE))[0];
  });
  assert.equal(challenge.length, 4);
  await controlArrives(card, POWER_OFF, seen);
});
