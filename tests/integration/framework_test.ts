/**
 * Status-word checking, observers and exclusive use, on real transmits to virtual cards.
 */

import assert from "node:assert/strict";
import {
  type CardConnection,
  type CardConnectionEvent,
  CheckingErrorException,
  ConsoleCardConnectionObserver,
  ErrorCheckingChain,
  ExclusiveConnectCardConnection,
  ExclusiveTransmitCardConnection,
  ISO7816_4ErrorChecker,
  ISO7816_8ErrorChecker,
  ISO7816_9ErrorChecker,
  readers,
  WarningProcessingException,
} from "../../mod.ts";
import { ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";
import { NativeCalls } from "../support/native_calls.ts";
import { until } from "../support/until.ts";

const { stack: live, skipped, onStack } = await stackFixture();
const READER0 = skipped ? "" : live.readerNames[0];
const SELECT = [0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID];
const status = (sw1: number, sw2: number) => [0x00, 0xE0, sw1, sw2];

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

const connectTo = () => readers().find((r) => r.name === READER0)!.createConnection();

function iso7816Chain(): ErrorCheckingChain[] {
  const chain: ErrorCheckingChain[] = [];
  new ErrorCheckingChain(chain, new ISO7816_9ErrorChecker());
  new ErrorCheckingChain(chain, new ISO7816_8ErrorChecker());
  new ErrorCheckingChain(chain, new ISO7816_4ErrorChecker());
  return chain;
}

withCard("an error-checking chain raises on 6A 82 from a real transmit", async () => {
  using connection = connectTo();
  await connection.connect();
  connection.setErrorCheckingChain(iso7816Chain());
  await assert.rejects(connection.transmit(status(0x6A, 0x82)), (e: unknown) => {
    assert.ok(e instanceof CheckingErrorException);
    assert.deepEqual([e.sw1, e.sw2, e.data], [0x6A, 0x82, []]);
    assert.match(e.message, /File not found/);
    return true;
  });
  assert.throws(() => connection.transmitSync(status(0x6A, 0x82)), CheckingErrorException);
  // 90 00 passes the chain
  assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

withCard("a filtered warning passes; unfiltered errors still raise", async () => {
  using connection = connectTo();
  await connection.connect();
  connection.setErrorCheckingChain(iso7816Chain());
  await assert.rejects(connection.transmit(status(0x62, 0x83)), WarningProcessingException);
  connection.addSWExceptionToFilter(WarningProcessingException);
  assert.deepEqual(await connection.transmit(status(0x62, 0x83)), [[], 0x62, 0x83]);
  await assert.rejects(connection.transmit(status(0x6A, 0x82)), CheckingErrorException);
});

withCard(
  "control and getAttrib are not status-word checked (pyscard raised TypeError)",
  async () => {
    using connection = connectTo();
    await connection.connect();
    // a checker that refuses every status word: transmit raises, control and getAttrib do not
    const chain: ErrorCheckingChain[] = [];
    new ErrorCheckingChain(chain, {
      check(data, sw1, sw2) {
        throw new WarningProcessingException(data, sw1, sw2, "every status word");
      },
    });
    connection.setErrorCheckingChain(chain);
    await assert.rejects(connection.transmit(SELECT), WarningProcessingException);
    assert.deepEqual(await connection.getAttrib(0x0303), ATR_T1);
    await assert.rejects(connection.control(0x42000D48), { name: "CardConnectionException" });
  },
);

withCard(
  "observers see connect, command, response, attrib, disconnect, release in order",
  async () => {
    const seen: [CardConnection, string, unknown[]][] = [];
    const observer = {
      update: (c: CardConnection, e: CardConnectionEvent) => seen.push([c, e.type, e.args]),
    };
    const failing = {
      update: () => {
        throw new Error("observer failure");
      },
    };
    const connection = connectTo();
    connection.addObserver(failing);
    connection.addObserver(observer);
    connection.addObserver(observer);
    await connection.connect();
    assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
    await connection.getAttrib(0x0FAE);
    connection.disconnect();
    connection.deleteObserver(failing);
    connection.release();
    assert.ok(seen.every(([c]) => c === connection));
    assert.deepEqual(seen.map(([, type, args]) => [type, args]), [
      ["connect", []],
      ["command", [SELECT, undefined]],
      ["response", [[...TEST_FCI], 0x90, 0x00]],
      ["attrib", [0x0FAE]],
      ["disconnect", []],
      ["release", []],
    ]);
  },
);

withCard("ConsoleCardConnectionObserver traces a real exchange as pyscard does", async () => {
  const lines: string[] = [];
  using connection = connectTo();
  connection.addObserver(new ConsoleCardConnectionObserver((line) => lines.push(line)));
  await connection.connect();
  await connection.transmit([0x00, 0x10, 0x00, 0x00]);
  connection.transmitSync([0x00, 0x20, 0x00, 0x00, 0x02]);
  connection.disconnect();
  assert.deepEqual(lines, [
    `connecting to ${READER0}`,
    "> 00 10 00 00",
    "<  [] 90 00",
    "> 00 20 00 00 02",
    "< 00 01 90 00",
    `disconnecting from ${READER0}`,
  ]);
});

withCard("ExclusiveConnectCardConnection keeps a second connection out", async () => {
  using exclusive = new ExclusiveConnectCardConnection(connectTo());
  await exclusive.connect();
  assert.deepEqual(await exclusive.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  using other = connectTo();
  await assert.rejects(
    other.connect(),
    (e: unknown) => (e as { hresult: number }).hresult === 0x8010000B,
  );
  exclusive.disconnect();
  await other.connect();
});

withCard("an exclusive transaction keeps a second connection waiting until it ends", async () => {
  using calls = new NativeCalls();
  using holder = new ExclusiveTransmitCardConnection(connectTo());
  using other = connectTo();
  await holder.connect();
  await other.connect();
  let otherDone = false;
  let pending: Promise<unknown> | undefined;
  const result = await holder.transaction(async (c) => {
    pending = other.transmit(SELECT).then((r) => {
      otherDone = true;
      return r;
    });
    // the other connection's APDU waits in the PC/SC client for the transaction to end
    await until("the other APDU in the PC/SC client", () => calls.pending("transmit") === 1);
    assert.equal(otherDone, false);
    return await c.transmit(SELECT);
  });
  assert.deepEqual(result, [[...TEST_FCI], 0x90, 0x00]);
  assert.deepEqual(await pending, [[...TEST_FCI], 0x90, 0x00]);
  assert.equal(otherDone, true);
  // the transaction ends also when the function throws
  await assert.rejects(holder.transaction(() => Promise.reject(new Error("inside"))), /inside/);
  assert.deepEqual(await other.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

withCard("a transaction whose calls fail still ends, with their error", async () => {
  using holder = new ExclusiveTransmitCardConnection(connectTo());
  using other = connectTo();
  await holder.connect();
  await other.connect();
  holder.setErrorCheckingChain(iso7816Chain());
  await assert.rejects(
    holder.transaction((c) =>
      Promise.all([c.transmit(status(0x6A, 0x82)), c.transmit([0x00, 0x10, 0x00, 0x00])])
    ),
    CheckingErrorException,
  );
  // the transaction is over: the other connection gets through
  assert.deepEqual(await other.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});
