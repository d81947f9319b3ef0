/**
 * The ledger of this process's transactions: who a call would wait for, and when a reader is
 * free again.
 */

import assert from "node:assert/strict";
import { LINUX_ABI, MACOS_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import {
  SCARD_LEAVE_CARD,
  SCARD_SHARE_SHARED,
  SCARD_UNPOWER_CARD,
} from "../../src/pcsc/share_and_disposition.ts";
import { SCARD_PROTOCOL_T1 } from "../../src/pcsc/protocols.ts";
import { CardHandle, CardHandleRefusal, type CardStatus } from "../../src/pcsc/card_handle.ts";
import { ReaderTransactions } from "../../src/pcsc/reader_transactions.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { until } from "../support/until.ts";

const A = "Reader A";
const B = "Reader B";
const ATR = [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6];
const APDU = [0x00, 0x10, 0x00, 0x00];

const isRefusal = (reason: string) => (e: unknown) => {
  assert.ok(e instanceof CardHandleRefusal, `expected a refusal, got ${e}`);
  assert.equal(e.reason, reason);
  assert.equal(e.reader, A);
  return true;
};

Deno.test("a holder is never held up by its own transaction, others are", () => {
  const ledger = new ReaderTransactions();
  const [holder, other] = [{}, {}];
  assert.equal(ledger.blocker(A, other), null);
  ledger.claim(A, holder, "holding");
  assert.equal(ledger.blocker(A, holder), null);
  assert.equal(ledger.blocker(A, other), "holding");
  assert.equal(ledger.blocker(B, other), null, "another reader is not concerned");
});

Deno.test("a begin under way counts: it may take the reader at any moment", () => {
  const ledger = new ReaderTransactions();
  const [holder, beginning, third] = [{}, {}, {}];
  ledger.claim(A, beginning, "beginning");
  assert.equal(ledger.blocker(A, third), "beginning");
  assert.equal(ledger.blocker(A, holder), "beginning");
  // the one that holds is not held up by one still waiting to begin
  ledger.claim(A, holder, "holding");
  assert.equal(ledger.blocker(A, holder), null);
  assert.equal(ledger.blocker(A, beginning), "holding");
});

Deno.test("whenFree resolves once the last claim on the reader is dropped", async () => {
  const ledger = new ReaderTransactions();
  const [first, second] = [{}, {}];
  await ledger.whenFree(A); // nothing claimed: at once
  ledger.claim(A, first, "holding");
  ledger.claim(A, second, "beginning");
  const order: string[] = [];
  const free = ledger.whenFree(A).then(() => order.push("free"));
  ledger.drop(A, first);
  await Promise.resolve();
  order.push("first dropped");
  ledger.drop(A, second);
  await free;
  assert.deepEqual(order, ["first dropped", "free"]);
  ledger.drop(A, second); // dropping again does nothing
  assert.equal(ledger.blocker(A, {}), null);
});

// ----- card handles on the scripted PC/SC, for each platform's ABI -----

for (const abi of [LINUX_ABI, MACOS_ABI, WINDOWS_ABI]) {
  const on = `(${abi.libraryCandidates[0].split(/[\\/]/).pop()})`;

  const connected = async (pcsc: ScriptedPcsc) => {
    const handle = CardHandle.establish(pcsc);
    await handle.connect(false, A, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, SCARD_UNPOWER_CARD);
    return handle;
  };

  Deno.test(`a blocking call under another handle's transaction is refused ${on}`, async () => {
    const pcsc = new ScriptedPcsc({ abi });
    pcsc.plug(A, ATR);
    using holder = await connected(pcsc);
    using other = await connected(pcsc);
    const begun = holder.beginTransaction(false);
    // claimed from the moment it is asked for: the begin may take the reader at any moment
    assert.throws(() => other.status(true), isRefusal("transaction elsewhere"));
    await begun;
    const before = pcsc.count("SCardTransmit");
    assert.throws(
      () => other.transmit(true, SCARD_PROTOCOL_T1, APDU),
      isRefusal("transaction elsewhere"),
    );
    using late = CardHandle.establish(pcsc);
    assert.throws(
      () => late.connect(true, A, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, 0),
      isRefusal("transaction elsewhere"),
    );
    assert.equal(pcsc.count("SCardTransmit"), before, "nothing reached PC/SC");
    // the holder's own blocking calls go through, and so do the other's on the pool
    assert.deepEqual(holder.transmit(true, SCARD_PROTOCOL_T1, APDU), [0x90, 0x00]);
    assert.deepEqual(await other.transmit(false, SCARD_PROTOCOL_T1, APDU), [0x90, 0x00]);
    await holder.endTransaction(false, SCARD_LEAVE_CARD);
    assert.equal((other.status(true) as CardStatus).reader, A);
  });

  Deno.test(`a begin queued behind the connect claims the reader connected ${on}`, async () => {
    const pcsc = new ScriptedPcsc({ abi });
    pcsc.plug(A, ATR);
    using holder = CardHandle.establish(pcsc);
    using other = await connected(pcsc);
    const connecting = holder.connect(false, A, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1, 0);
    await holder.beginTransaction(false);
    await connecting;
    assert.throws(() => other.status(true), isRefusal("transaction elsewhere"));
    await holder.endTransaction(false, SCARD_LEAVE_CARD);
    assert.equal((other.status(true) as CardStatus).reader, A);
  });

  Deno.test(`an end refused before PC/SC saw it keeps the reader claimed ${on}`, async () => {
    const pcsc = new ScriptedPcsc({ abi });
    pcsc.plug(A, ATR);
    using holder = await connected(pcsc);
    using other = await connected(pcsc);
    holder.beginTransaction(true);
    const letGo = pcsc.hold("SCardTransmit");
    const pending = holder.transmit(false, SCARD_PROTOCOL_T1, APDU);
    // a promise call of the holder is pending: its blocking end is refused ("busy")
    assert.throws(() => holder.endTransaction(true, SCARD_LEAVE_CARD), (e: unknown) => {
      assert.ok(e instanceof CardHandleRefusal);
      assert.equal(e.reason, "busy");
      return true;
    });
    assert.throws(() => other.status(true), isRefusal("transaction elsewhere"));
    letGo();
    await pending;
    holder.endTransaction(true, SCARD_LEAVE_CARD);
    assert.equal((other.status(true) as CardStatus).reader, A);
  });

  Deno.test(`a disconnect under another handle's transaction waits for its end ${on}`, async () => {
    const pcsc = new ScriptedPcsc({ abi });
    pcsc.plug(A, ATR);
    using holder = await connected(pcsc);
    const other = await connected(pcsc);
    const released = await connected(pcsc);
    holder.beginTransaction(true);
    other.disconnect(true);
    released.release();
    assert.equal(other.connected, false);
    assert.equal(pcsc.count("SCardDisconnect"), 0, "nothing disconnected inside the transaction");
    holder.endTransaction(true, SCARD_LEAVE_CARD);
    await other.settled();
    const contexts = pcsc.liveContexts;
    // the disconnects run on the pool once the reader is free; the released context goes after
    await until(
      "both disconnects, and the released context freed",
      () => pcsc.count("SCardDisconnect") === 2 && pcsc.liveContexts < contexts,
    );
    const dispositions = pcsc.calls.filter((c) => c.call === "SCardDisconnect")
      .map((c) => c.disposition);
    assert.deepEqual(dispositions, [SCARD_UNPOWER_CARD, SCARD_UNPOWER_CARD]);
    other.release();
  });
}
