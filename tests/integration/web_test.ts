/**
 * The Web Smart Card API against the real pcscd, its vpcd readers and virtual cards: list,
 * wait and abort, connect, transmit, status and attributes, transactions and their
 * dispositions, disconnect, and the example run as written.
 */

import assert from "node:assert/strict";
import {
  smartCard,
  type SmartCardConnection,
  type SmartCardContext,
  SmartCardError,
  type SmartCardReaderStateOut,
} from "../../src/web/mod.ts";
import { ATR_T0, ATR_T1 } from "../cards/atrs.ts";
import {
  handle as cardAnswer,
  reset as resetCard,
  TEST_AID,
  TEST_FCI,
} from "../cards/test_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";
import { NativeCalls } from "../support/native_calls.ts";
import { until } from "../support/until.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0, READER1] = skipped ? ["", ""] : stack.readerNames;

const SELECT = [0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID];
const GET_CHALLENGE = new Uint8Array([0x00, 0x84, 0x00, 0x00, 0x04]);
// The test card's first two challenges after a reset: what a challenge says about the card.
resetCard();
const AFTER_RESET = [...cardAnswer(GET_CHALLENGE)].slice(0, 4);
const SECOND = [...cardAnswer(GET_CHALLENGE)].slice(0, 4);

const bytes = (
  buffer: ArrayBuffer | undefined,
) => [...new Uint8Array(buffer ?? new ArrayBuffer(0))];
const ramp = (n: number) => Array.from({ length: n }, (_, i) => i & 0xFF);
const isSmartCardError = (code: string) => (e: unknown) => {
  assert.ok(e instanceof SmartCardError, `expected a SmartCardError, got ${e}`);
  assert.equal(e.responseCode, code);
  return true;
};
const isName = (name: string) => (e: unknown) => {
  assert.ok(e instanceof DOMException, `expected a DOMException, got ${e}`);
  assert.equal(e.name, name);
  return true;
};

/** A test with a card of `atr` in reader 0 for its duration, and a context. */
function withCard(
  name: string,
  atr: readonly number[],
  fn: (context: SmartCardContext) => Promise<void>,
): void {
  onStack(name, async () => {
    await using card = stack.card({ atr, reader: 0 });
    await card.insert();
    await cardPresent(READER0);
    await fn(await smartCard.establishContext());
    await card.remove();
    await cardPresent(READER0, false);
  });
}

async function connectT1(context: SmartCardContext, mode: "shared" | "exclusive" = "shared") {
  return (await context.connect(READER0, mode, { preferredProtocols: ["t0", "t1"] })).connection;
}

async function challenge(connection: SmartCardConnection): Promise<number[]> {
  return bytes(await connection.transmit(GET_CHALLENGE)).slice(0, 4);
}

onStack("listReaders gives both virtual readers", async () => {
  const context = await smartCard.establishContext();
  assert.deepEqual(await context.listReaders(), [READER0, READER1]);
});

onStack(
  "getStatusChange sees a card go in, with its ATR and the event count; an abort ends a wait",
  async () => {
    using calls = new NativeCalls();
    const context = await smartCard.establishContext();
    const [now] = await context.getStatusChange([
      { readerName: READER0, currentState: { unaware: true } },
    ]);
    assert.equal(now.eventState.empty, true);
    const asKnown = (state: SmartCardReaderStateOut) => ({
      readerName: state.readerName,
      currentState: state.eventState,
      currentCount: state.eventCount,
    });
    const waiting = context.getStatusChange([asKnown(now)]);
    await using card = stack.card({ atr: ATR_T1, reader: 0 });
    await card.insert();
    const [inserted] = await waiting;
    assert.equal(inserted.readerName, READER0);
    assert.equal(inserted.eventState.present, true);
    assert.equal(inserted.eventState.changed, true);
    assert.ok(inserted.eventCount > now.eventCount, "the insertion is counted");
    assert.deepEqual(bytes(inserted.answerToReset), ATR_T1);

    // nothing will change in the empty reader 1: a time-out, then an abort, end the wait
    const [empty] = await context.getStatusChange([
      { readerName: READER1, currentState: { unaware: true } },
    ]);
    await assert.rejects(
      context.getStatusChange([asKnown(empty)], { timeout: 100 }),
      isName("TimeoutError"),
    );
    const controller = new AbortController();
    const reason = new Error("the user closed the dialog");
    const aborted = context.getStatusChange([asKnown(empty)], { signal: controller.signal });
    await until("the wait in pcscd", () => calls.pendingWaits > 0);
    controller.abort(reason);
    await assert.rejects(aborted, (e: unknown) => e === reason);
    // the native wait has ended: the context takes the next call
    assert.deepEqual(await context.listReaders(), [READER0, READER1]);
    await card.remove();
    await cardPresent(READER0, false);
  },
);

onStack("connect to an empty reader is SmartCardError no-smartcard", async () => {
  const context = await smartCard.establishContext();
  await assert.rejects(
    context.connect(READER1, "shared", { preferredProtocols: ["t0", "t1"] }),
    isSmartCardError("no-smartcard"),
  );
});

withCard(
  "connect shared twice; exclusive is a sharing violation then, and alone it holds the card",
  ATR_T1,
  async (context) => {
    const other = await smartCard.establishContext();
    const first = await context.connect(READER0, "shared", { preferredProtocols: ["t0", "t1"] });
    assert.equal(first.activeProtocol, "t1");
    const second = await connectT1(other);
    await assert.rejects(connectT1(other, "exclusive"), isSmartCardError("sharing-violation"));
    // no preferred protocols is none asked for, as the spec has it: pcscd says mismatch
    await assert.rejects(context.connect(READER0, "shared"), isSmartCardError("proto-mismatch"));
    await first.connection.disconnect();
    await second.disconnect();
    const exclusive = await connectT1(context, "exclusive");
    await assert.rejects(connectT1(other), isSmartCardError("sharing-violation"));
    assert.deepEqual(bytes(await exclusive.transmit(new Uint8Array(SELECT))), [
      ...TEST_FCI,
      0x90,
      0x00,
    ]);
    await exclusive.disconnect();
    await (await connectT1(other)).disconnect();
  },
);

withCard("connect to a T=0 card negotiates T=0", ATR_T0, async (context) => {
  const { connection, activeProtocol } = await context.connect(READER0, "shared", {
    preferredProtocols: ["t0", "t1"],
  });
  assert.equal(activeProtocol, "t0");
  assert.deepEqual(bytes(await connection.transmit(new Uint8Array(SELECT))), [
    ...TEST_FCI,
    0x90,
    0x00,
  ]);
  await connection.disconnect();
});

withCard(
  "transmit carries short and extended APDUs, up to vpcd's largest response",
  ATR_T1,
  async (context) => {
    const connection = await connectT1(context);
    const cases: [number[], number[]][] = [
      [[0x00, 0x10, 0x00, 0x00], []],
      [[0x00, 0x20, 0x00, 0x00, 0x10], ramp(16)],
      [[0x00, 0x40, 0x00, 0x00, 0x03, 7, 8, 9, 0x00], [7, 8, 9]],
      [[0x00, 0x20, 0x00, 0x00, 0x00, 0x04, 0x00], ramp(1024)],
      [[0x00, 0x40, 0x00, 0x00, 0x00, 0x01, 0x2C, ...ramp(300), 0x01, 0x2C], ramp(300)],
      // vpcd frames a message with 16 bits: 65,533 data bytes and SW1 SW2 are its most
      [[0x00, 0x20, 0x00, 0x00, 0x00, 0xFF, 0xFD], ramp(65533)],
    ];
    for (const [command, data] of cases) {
      const response = await connection.transmit(new Uint8Array(command));
      assert.ok(response instanceof ArrayBuffer);
      assert.deepEqual(
        bytes(response),
        [...data, 0x90, 0x00],
        `response to ${command.length} bytes`,
      );
    }
    // the protocol the card does not run is the service's mismatch
    await assert.rejects(
      connection.transmit(new Uint8Array(SELECT), { protocol: "t0" }),
      isSmartCardError("proto-mismatch"),
    );
    await connection.disconnect();
  },
);

withCard(
  "status, getAttribute, setAttribute and control as vpcd answers them",
  ATR_T1,
  async (context) => {
    const connection = await connectT1(context);
    const status = await connection.status();
    // pcsc-lite's mask for a connected T=1 card is present | powered | negotiable
    assert.deepEqual({ ...status, answerToReset: bytes(status.answerToReset) }, {
      readerName: READER0,
      state: "negotiable",
      answerToReset: ATR_T1,
    });
    // vpcd answers its own tags: 0x0303 the ATR, 0x0FAE the slot count
    assert.deepEqual(bytes(await connection.getAttribute(0x0303)), ATR_T1);
    assert.deepEqual(bytes(await connection.getAttribute(0x0FAE)), [2]);
    await assert.rejects(
      connection.getAttribute(0x00010100),
      isSmartCardError("unsupported-feature"),
    );
    // vpcd implements no control code, and sets no attribute (pcscd 1.9 says "not transacted")
    await assert.rejects(
      connection.control(0x42000D48, new Uint8Array([1, 2])),
      isSmartCardError("unsupported-feature"),
    );
    await assert.rejects(
      connection.setAttribute(0x00010100, new Uint8Array([1])),
      isSmartCardError("not-transacted"),
    );
    await assert.rejects(connection.getAttribute(2 ** 32), TypeError);
    await connection.disconnect();
    // a direct connection reaches the empty reader; it has no protocol to transmit with
    const direct = await context.connect(READER1, "direct");
    try {
      assert.equal(direct.activeProtocol, undefined);
      assert.deepEqual(bytes(await direct.connection.getAttribute(0x0FAE)), [2]);
      await assert.rejects(
        direct.connection.transmit(new Uint8Array(SELECT)),
        isName("InvalidStateError"),
      );
    } finally {
      await direct.connection.disconnect();
    }
  },
);

withCard(
  "startTransaction ends with each disposition the callback gives",
  ATR_T1,
  async (context) => {
    const connection = await connectT1(context);
    const transaction = (result: "leave" | "reset" | "unpower" | undefined) =>
      connection.startTransaction(async () => {
        await connection.transmit(new Uint8Array(SELECT));
        return result;
      });
    await transaction("reset");
    assert.deepEqual(await challenge(connection), AFTER_RESET, "reset: the card starts over");
    await transaction("leave");
    assert.deepEqual(await challenge(connection), SECOND, "leave: the card goes on");
    await transaction(undefined);
    assert.deepEqual(await challenge(connection), AFTER_RESET, "undefined: reset");
    await challenge(connection);
    await transaction("unpower");
    assert.deepEqual(await challenge(connection), AFTER_RESET, "unpower: powered up afresh");
    // pcscd 1.9 cannot eject in SCardEndTransaction; the transaction ends all the same
    await assert.rejects(
      connection.startTransaction(() => Promise.resolve("eject")),
      isSmartCardError("unsupported-feature"),
    );
    await transaction("leave");
    await connection.disconnect();
  },
);

withCard(
  "a rejecting callback: the promise rejects with its reason, the card is reset",
  ATR_T1,
  async (context) => {
    const connection = await connectT1(context);
    await challenge(connection);
    const reason = new Error("wrong PIN");
    await assert.rejects(
      connection.startTransaction(async () => {
        await challenge(connection);
        throw reason;
      }),
      (e: unknown) => e === reason,
    );
    assert.deepEqual(await challenge(connection), AFTER_RESET);
    await connection.startTransaction(() => Promise.resolve("leave"));
    await connection.disconnect();
  },
);

withCard(
  "a transaction holds off another context until it ends, and this context's other connections",
  ATR_T1,
  async (context) => {
    using calls = new NativeCalls();
    const holder = await connectT1(context);
    const sibling = await connectT1(context);
    // two other contexts: each runs one operation at a time
    const other = await connectT1(await smartCard.establishContext());
    const third = await connectT1(await smartCard.establishContext());
    const order: string[] = [];
    let otherTransmit: Promise<void> | undefined;
    let otherTransaction: Promise<void> | undefined;
    await holder.startTransaction(async () => {
      order.push("holder begins");
      otherTransmit = other.transmit(new Uint8Array(SELECT)).then(() => {
        order.push("other's transmit");
      });
      otherTransaction = third.startTransaction(() => {
        order.push("other's transaction");
        return Promise.resolve("leave");
      });
      await assert.rejects(sibling.transmit(new Uint8Array(SELECT)), isName("InvalidStateError"));
      await assert.rejects(
        sibling.startTransaction(() => Promise.resolve("leave")),
        isName("InvalidStateError"),
      );
      // while the transaction lasts, the other context's calls wait inside the PC/SC client;
      // the holder's own go through
      await until("the other contexts' calls in the PC/SC client", () => {
        return calls.pending("transmit") === 1 && calls.pending("beginTransaction") === 1;
      });
      assert.deepEqual(bytes(await holder.transmit(new Uint8Array(SELECT))), [
        ...TEST_FCI,
        0x90,
        0x00,
      ]);
      assert.deepEqual(order, ["holder begins"], "the other context still waits");
      order.push("holder ends");
      return "leave";
    });
    await Promise.all([otherTransmit, otherTransaction]);
    assert.deepEqual(order.slice(0, 2), ["holder begins", "holder ends"]);
    assert.deepEqual(order.slice(2).sort(), ["other's transaction", "other's transmit"]);
    assert.deepEqual(bytes(await sibling.transmit(new Uint8Array(SELECT))), [
      ...TEST_FCI,
      0x90,
      0x00,
    ]);
    for (const connection of [holder, sibling, other, third]) await connection.disconnect();
  },
);

withCard("disconnect leaves, resets, unpowers or ejects the card", ATR_T1, async (context) => {
  const next = async () => {
    const connection = await connectT1(context);
    return { connection, first: await challenge(connection) };
  };
  let { connection } = await next();
  await connection.disconnect("reset");
  let result = await next();
  assert.deepEqual(result.first, AFTER_RESET, "reset");
  await result.connection.disconnect("leave");
  result = await next();
  assert.deepEqual(result.first, SECOND, "leave: the card went on");
  await result.connection.disconnect("unpower");
  result = await next();
  assert.deepEqual(result.first, AFTER_RESET, "unpower");
  // a vpcd reader cannot eject: the card stays, and takes the next connection
  await result.connection.disconnect("eject");
  ({ connection } = await next());
  await connection.disconnect();
  await assert.rejects(connection.transmit(GET_CHALLENGE), isName("InvalidStateError"));
});

onStack(
  "examples/web_smart_card.ts waits for a card, connects and transmits, as written",
  async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-ffi",
        new URL("../../examples/web_smart_card.ts", import.meta.url).pathname,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await using card = stack.card({ atr: ATR_T1, reader: 0 });
    let output = "";
    const decoder = new TextDecoder();
    const reader = child.stdout.getReader();
    while (!output.includes("Waiting for a card...")) {
      const { value, done } = await reader.read();
      if (done) break;
      output += decoder.decode(value, { stream: true });
    }
    await card.insert();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      output += decoder.decode(value, { stream: true });
    }
    const status = await child.status;
    const errors = decoder.decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(status.code, 0, output + errors);
    assert.match(output, /^Waiting for a card\.\.\.$/m);
    assert.match(output, new RegExp(`^Card in ${READER0}$`, "m"));
    assert.match(output, /^Connected with protocol t1$/m);
    assert.match(output, /^ATR: 3B 82 01 54 31 E6$/m);
    assert.match(output, /^Challenge: ([0-9A-F]{2} ){7}[0-9A-F]{2}$/m);
    assert.match(output, /^SW: 90 00$/m);
    await card.remove();
    await cardPresent(READER0, false);
  },
);
