// startTransaction on the scripted PC/SC: how a transaction ends, the other connections it
// holds off, the signal, and a callback that settles while another operation runs.
import assert from "node:assert/strict";
import {
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_RESET_CARD,
  SCARD_UNPOWER_CARD,
} from "../../src/pcsc/share_and_disposition.ts";
import { SmartCardError } from "../../src/web/smart_card_error.ts";
import type { SmartCardConnection } from "../../src/web/smart_card_connection.ts";
import { createResourceManager } from "../../src/web/smart_card_resource_manager.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { until } from "../support/until.ts";

const A = "Reader A";
const B = "Reader B";
const ATR = [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6];
const APDU = new Uint8Array([0x00, 0x10, 0x00, 0x00]);

async function setup() {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A, ATR);
  pcsc.plug(B, ATR);
  const manager = createResourceManager(pcsc);
  const context = await manager.establishContext();
  const connect = async (reader = A, c = context) =>
    (await c.connect(reader, "shared", { preferredProtocols: ["t1"] })).connection;
  return { pcsc, manager, context, connect, connection: await connect() };
}

const isName = (name: string) => (e: unknown) => {
  assert.ok(e instanceof DOMException, `expected a DOMException, got ${e}`);
  assert.equal(e.name, name);
  return true;
};
const ends = (pcsc: ScriptedPcsc) =>
  pcsc.calls.filter((c) => c.call === "SCardEndTransaction").map((c) => c.disposition);

Deno.test("a callback resolving to undefined ends with reset; any other value is the disposition", async () => {
  const { pcsc, connection } = await setup();
  const results = [undefined, null, "leave", "reset", "unpower"] as const;
  for (const result of results) {
    let ran = false;
    await connection.startTransaction(async () => {
      ran = true;
      assert.equal(pcsc.transactionHolder(A) !== null, true, "held while the callback runs");
      // the holder's own calls go through
      await connection.transmit(APDU);
      return result;
    });
    assert.ok(ran);
    assert.equal(pcsc.transactionHolder(A), null, "ended when the promise settles");
  }
  assert.deepEqual(ends(pcsc), [
    SCARD_RESET_CARD,
    SCARD_RESET_CARD,
    SCARD_LEAVE_CARD,
    SCARD_RESET_CARD,
    SCARD_UNPOWER_CARD,
  ]);
});

Deno.test("after its own reset the connection reconnects with leave, and works on", async () => {
  const { pcsc, connection } = await setup();
  await connection.startTransaction(() => Promise.resolve("reset"));
  const reconnect = pcsc.calls.filter((c) => c.call === "SCardReconnect").at(-1);
  assert.equal(reconnect?.disposition, SCARD_LEAVE_CARD);
  assert.ok(await connection.transmit(APDU) instanceof ArrayBuffer);
  // after "leave" nothing needs saying
  const reconnects = pcsc.count("SCardReconnect");
  await connection.startTransaction(() => Promise.resolve("leave"));
  assert.equal(pcsc.count("SCardReconnect"), reconnects);
});

Deno.test("another connection to the card still hears of the reset", async () => {
  const { connect, connection } = await setup();
  const second = await connect(A);
  await connection.startTransaction(() => Promise.resolve("reset"));
  await assert.rejects(second.transmit(APDU), (e: unknown) => {
    assert.ok(e instanceof SmartCardError);
    assert.equal(e.responseCode, "reset-card");
    return true;
  });
});

Deno.test("a rejecting callback ends with reset; the promise rejects with its reason", async () => {
  const { pcsc, connection } = await setup();
  const reason = new Error("the card said no");
  await assert.rejects(
    connection.startTransaction(async () => {
      await connection.transmit(APDU);
      throw reason;
    }),
    (e: unknown) => e === reason,
  );
  // a callback that throws before returning a promise counts the same
  await assert.rejects(
    connection.startTransaction(() => {
      throw reason;
    }),
    (e: unknown) => e === reason,
  );
  // a result that is no disposition: a TypeError, and reset
  await assert.rejects(
    connection.startTransaction(() => Promise.resolve("later" as never)),
    TypeError,
  );
  assert.deepEqual(ends(pcsc), [SCARD_RESET_CARD, SCARD_RESET_CARD, SCARD_RESET_CARD]);
  assert.equal(pcsc.transactionHolder(A), null);
});

Deno.test("during a transaction, the context's other connections to that reader get InvalidStateError", async () => {
  const { pcsc, context, connect, connection } = await setup();
  const second = await connect(A);
  const elsewhere = await connect(B);
  let release!: () => void;
  const inside = new Promise<void>((resolve) => release = resolve);
  const transaction = connection.startTransaction(async () => {
    await inside;
    return "leave";
  });
  await until("the transaction to begin", () => pcsc.transactionHolder(A) !== null);
  const refused = [
    second.transmit(APDU),
    second.status(),
    second.control(1, new Uint8Array()),
    second.getAttribute(1),
    second.setAttribute(1, new Uint8Array([1])),
    second.startTransaction(() => Promise.resolve(undefined)),
    second.disconnect(),
    context.connect(A, "shared", { preferredProtocols: ["t1"] }),
    connection.startTransaction(() => Promise.resolve(undefined)),
  ];
  for (const call of refused) await assert.rejects(call, isName("InvalidStateError"));
  // another reader, and the holder itself, are free
  await elsewhere.transmit(APDU);
  await connection.transmit(APDU);
  release();
  await transaction;
  await second.transmit(APDU);
  assert.equal(pcsc.count("SCardBeginTransaction"), 1);
});

Deno.test("an already aborted signal rejects at once with its reason; the callback never runs", async () => {
  const { pcsc, connection } = await setup();
  let ran = false;
  await assert.rejects(
    connection.startTransaction(() => {
      ran = true;
      return Promise.resolve(undefined);
    }, { signal: AbortSignal.abort("stop") }),
    (e: unknown) => e === "stop",
  );
  assert.equal(ran, false);
  assert.equal(pcsc.count("SCardBeginTransaction"), 0);
  await assert.rejects(
    connection.startTransaction(() => Promise.resolve(undefined), { signal: 1 as never }),
    TypeError,
  );
  await assert.rejects(connection.startTransaction("go" as never), TypeError);
});

Deno.test("another context's transaction waits for the first; an abort meanwhile ends it unrun", async () => {
  const { pcsc, manager, connection, connect } = await setup();
  const otherContext = await manager.establishContext();
  const other = await connect(A, otherContext);
  let release!: () => void;
  const inside = new Promise<void>((resolve) => release = resolve);
  const order: string[] = [];
  const first = connection.startTransaction(async () => {
    order.push("first runs");
    await inside;
    order.push("first ends");
    return "leave";
  });
  await until("the transaction to begin", () => pcsc.transactionHolder(A) !== null);
  const second = other.startTransaction(() => {
    order.push("second runs");
    return Promise.resolve("leave");
  });
  await until("the second to wait for the first", () => pcsc.transactionWaiters(A) === 1);
  assert.deepEqual(order, ["first runs"], "the second waits in SCardBeginTransaction");
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ["first runs", "first ends", "second runs"]);

  // pcsc-lite cannot cancel a waiting SCardBeginTransaction: when it comes through after the
  // abort, the transaction is ended at once and the callback never runs
  let releaseThird!: () => void;
  const held = new Promise<void>((resolve) => releaseThird = resolve);
  const third = connection.startTransaction(() => held.then(() => "leave" as const));
  await until("the transaction to begin", () => pcsc.transactionHolder(A) !== null);
  const controller = new AbortController();
  let ran = false;
  const fourth = other.startTransaction(() => {
    ran = true;
    return Promise.resolve(undefined);
  }, { signal: controller.signal });
  await until("the fourth to wait for the third", () => pcsc.transactionWaiters(A) === 1);
  controller.abort("no longer");
  releaseThird();
  await third;
  await assert.rejects(fourth, (e: unknown) => e === "no longer");
  assert.equal(ran, false);
  assert.equal(pcsc.transactionHolder(A), null);
  assert.ok(pcsc.count("SCardCancel") >= 1, "the abort sent SCardCancel");
});

Deno.test("a callback that settles while an operation runs: the end waits for it, then InvalidStateError", async () => {
  const { pcsc, connection } = await setup();
  const letTransmitEnd = pcsc.hold("SCardTransmit");
  let transmitted: Promise<ArrayBuffer> | undefined;
  const transaction = connection.startTransaction(() => {
    // not awaited: the callback resolves while the transmit runs
    transmitted = connection.transmit(APDU);
    return Promise.resolve("leave");
  });
  // the callback has resolved, and the transmit it started is in the service
  await until("the transmit to reach the hold", () => pcsc.held("SCardTransmit") === 1);
  assert.equal(pcsc.count("SCardEndTransaction"), 0, "the end waits for the transmit");
  letTransmitEnd();
  assert.ok(await transmitted! instanceof ArrayBuffer);
  await assert.rejects(transaction, isName("InvalidStateError"));
  assert.deepEqual(ends(pcsc), [SCARD_LEAVE_CARD], "ended with the callback's disposition");

  // the same with a rejecting callback: its reason, and reset
  const letGo = pcsc.hold("SCardTransmit");
  const reason = new Error("no");
  const failing = connection.startTransaction(() => {
    transmitted = connection.transmit(APDU);
    return Promise.reject(reason);
  });
  await until("the transmit to reach the hold", () => pcsc.held("SCardTransmit") === 1);
  letGo();
  await transmitted;
  await assert.rejects(failing, (e: unknown) => e === reason);
  assert.deepEqual(ends(pcsc), [SCARD_LEAVE_CARD, SCARD_RESET_CARD]);
});

Deno.test("an end the service refuses (eject, on pcsc-lite) is followed by leave: no transaction outlives its promise", async () => {
  const { pcsc, connection } = await setup();
  await assert.rejects(
    connection.startTransaction(() => Promise.resolve("eject")),
    (e: unknown) => e instanceof SmartCardError && e.responseCode === "unsupported-feature",
  );
  assert.deepEqual(ends(pcsc), [SCARD_EJECT_CARD, SCARD_LEAVE_CARD]);
  assert.equal(pcsc.transactionHolder(A), null);
  await connection.startTransaction(() => Promise.resolve("leave"));
});

Deno.test("disconnecting inside the transaction: it rejects with InvalidStateError, the reader is free", async () => {
  const { pcsc, connect, connection } = await setup();
  await assert.rejects(
    connection.startTransaction(async () => {
      await connection.disconnect();
      return "leave";
    }),
    isName("InvalidStateError"),
  );
  assert.equal(pcsc.transactionHolder(A), null, "SCardDisconnect ended it");
  const next = await connect(A);
  await next.startTransaction(() => Promise.resolve("leave"));
});

Deno.test("a transaction on a connection that is already in one is InvalidStateError", async () => {
  const { connection } = await setup();
  let inner: Promise<void> | undefined;
  await connection.startTransaction(() => {
    // checked at once: the outer transaction ends on a later turn of the event loop
    inner = assert.rejects(
      (connection as SmartCardConnection).startTransaction(() => Promise.resolve(undefined)),
      isName("InvalidStateError"),
    );
    return Promise.resolve("leave");
  });
  await inner;
});
