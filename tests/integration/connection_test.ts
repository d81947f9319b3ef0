/**
 * PC/SC card connections against the real pcscd, its vpcd readers and virtual cards.
 */

import assert from "node:assert/strict";
import {
  CardConnection,
  CardConnectionException,
  NoCardException,
  readergroups,
  readers,
  SCARD_CTL_CODE,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
} from "../../mod.ts";
import { ATR_T0, ATR_T0_T1, ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";
import { NativeCalls } from "../support/native_calls.ts";
import { until } from "../support/until.ts";
import type { VirtualCard } from "../support/virtual_card.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0, READER1] = skipped ? ["", ""] : stack.readerNames;
const { T0_protocol: T0, T1_protocol: T1 } = CardConnection;
const SELECT = [0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID];

/** A test that needs the stack, with a card of `atr` inserted in reader 0 for its duration. */
function withCard(
  name: string,
  atr: readonly number[],
  fn: (card: VirtualCard) => Promise<void> | void,
): void {
  onStack(name, async () => {
    await using card = stack.card({ atr, reader: 0 });
    await card.insert();
    await cardPresent(READER0);
    await fn(card);
    await card.remove();
    await cardPresent(READER0, false);
  });
}

const connectTo = (reader = READER0) =>
  readers().find((r) => r.name === reader)!.createConnection();

onStack("readers() lists both virtual readers, readergroups() the default group", () => {
  assert.deepEqual(readers().map(String), [READER0, READER1]);
  assert.deepEqual(readers("SCard$DefaultReaders").map((r) => r.name), [READER0, READER1]);
  assert.ok(readergroups().includes("SCard$DefaultReaders"));
});

onStack("connect to an empty reader throws NoCardException with its hresult", async () => {
  using connection = connectTo(READER1);
  await assert.rejects(connection.connect(), (e: unknown) => {
    assert.ok(e instanceof NoCardException);
    assert.equal(e.hresult, 0x8010000C);
    assert.equal(e.message, "Unable to connect: No smart card inserted. (0x8010000C)");
    return true;
  });
  assert.throws(() => connection.connectSync(), NoCardException);
});

withCard("connect with T=0 to a T=0 card; T=1 alone is a protocol mismatch", ATR_T0, async () => {
  using connection = connectTo();
  await assert.rejects(connection.connect(T1), (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.equal(e.hresult, 0x8010000F);
    return true;
  });
  await connection.connect(T0);
  assert.equal(connection.getProtocol(), T0);
  assert.deepEqual(connection.getATR(), ATR_T0);
  assert.equal(connection.getReader().name, READER0);
  assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

withCard("connect with T=1 to a T=1 card, synchronously too", ATR_T1, () => {
  using connection = connectTo();
  connection.connectSync(T1);
  assert.equal(connection.getProtocol(), T1);
  assert.deepEqual(connection.getATR(), ATR_T1);
  assert.deepEqual(connection.transmitSync([0x00, 0x10, 0x00, 0x00]), [[], 0x90, 0x00]);
});

withCard(
  "connect with T0|T1 (the default) negotiates T=1; reconnect moves to T=0",
  ATR_T0_T1,
  async () => {
    using connection = connectTo();
    await connection.connect();
    assert.equal(connection.getProtocol(), T1);
    await connection.reconnect(T0);
    assert.equal(connection.getProtocol(), T0);
    assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
    connection.reconnectSync(T1, SCARD_SHARE_SHARED);
    assert.equal(connection.getProtocol(), T1);
    assert.deepEqual(connection.transmitSync(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  },
);

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i & 0xFF);

withCard(
  "transmit carries every APDU case, short and extended, async and sync",
  ATR_T1,
  async () => {
    using connection = connectTo();
    await connection.connect();
    const cases: [string, number[], number[]][] = [
      ["case 1", [0x00, 0x10, 0x00, 0x00], []],
      ["case 2 short", [0x00, 0x20, 0x00, 0x00, 0x10], ramp(16)],
      ["case 2 short, Le 00 = 256", [0x00, 0x20, 0x00, 0x00, 0x00], ramp(256)],
      ["case 3 short", [0x00, 0x30, 0x00, 0x00, 0x03, 1, 2, 3], []],
      ["case 4 short", [0x00, 0x40, 0x00, 0x00, 0x03, 7, 8, 9, 0x00], [7, 8, 9]],
      ["case 2 extended", [0x00, 0x20, 0x00, 0x00, 0x00, 0x04, 0x00], ramp(1024)],
      ["case 3 extended", [0x00, 0x30, 0x00, 0x00, 0x00, 0x01, 0x2C, ...ramp(300)], []],
      [
        "case 4 extended",
        [0x00, 0x40, 0x00, 0x00, 0x00, 0x01, 0x2C, ...ramp(300), 0x01, 0x2C],
        ramp(300),
      ],
    ];
    for (const [what, apdu, data] of cases) {
      assert.deepEqual(await connection.transmit(apdu), [data, 0x90, 0x00], what);
      assert.deepEqual(connection.transmitSync(new Uint8Array(apdu)), [data, 0x90, 0x00], what);
    }
  },
);

withCard(
  "transmit carries the largest response vpcd can: 65,533 bytes and SW",
  ATR_T1,
  async () => {
    using connection = connectTo();
    await connection.connect();
    const apdu = [0x00, 0x20, 0x00, 0x00, 0x00, 0xFF, 0xFD];
    const [data, sw1, sw2] = await connection.transmit(apdu);
    assert.equal(data.length, 65533);
    assert.deepEqual(data, ramp(65533));
    assert.deepEqual([sw1, sw2], [0x90, 0x00]);
    assert.equal(connection.transmitSync(apdu)[0].length, 65533);
  },
);

withCard("status words come back as sw1 sw2 with no data", ATR_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  assert.deepEqual(await connection.transmit([0x00, 0xE0, 0x6A, 0x82]), [[], 0x6A, 0x82]);
});

withCard("control reaches the driver, which refuses with the PC/SC code", ATR_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  // vpcd implements no control function: the call goes through pcscd to it and back
  const refused = (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.equal(e.hresult, 0x8010001F);
    assert.match(e.message, /^Failed to control 0x42000D48: Feature not supported\./);
    return true;
  };
  await assert.rejects(connection.control(SCARD_CTL_CODE(3400)), refused);
  assert.throws(() => connection.controlSync(SCARD_CTL_CODE(3400), [1, 2]), refused);
});

withCard("getAttrib reads what the driver has, and names the one it lacks", ATR_T0_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  // vpcd answers its own tags: 0x0303 the ATR, 0x0FAE the slot count
  assert.deepEqual(await connection.getAttrib(0x0303), ATR_T0_T1);
  assert.deepEqual(connection.getAttribSync(0x0FAE), [2]);
  await assert.rejects(connection.getAttrib(0x00010100), (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.equal(e.hresult, 0x8010001F);
    assert.equal(
      e.message,
      "Failed to getAttrib 0x00010100: Feature not supported. (0x8010001F)",
    );
    return true;
  });
});

withCard(
  "the card removed between two transmits: CardConnectionException, nothing hanging",
  ATR_T1,
  async (card) => {
    const connection = connectTo();
    await connection.connect();
    assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
    await card.remove();
    await cardPresent(READER0, false);
    await assert.rejects(connection.transmit(SELECT), (e: unknown) => {
      assert.ok(e instanceof CardConnectionException);
      assert.ok(e.hresult === 0x80100069 || e.hresult === 0x80100017, e.message);
      assert.match(e.message, /^Failed to transmit with protocol T1: .* \(0x801000[0-9A-F]{2}\)$/);
      return true;
    });
    assert.throws(() => connection.transmitSync(SELECT), CardConnectionException);
    connection.release();
    connection.release();
    await card.insert();
  },
);

withCard("two shared connections use one reader side by side", ATR_T1, async () => {
  using a = connectTo();
  using b = connectTo();
  await a.connect();
  await b.connect(undefined, SCARD_SHARE_SHARED);
  const [ra, rb] = await Promise.all([a.transmit(SELECT), b.transmit(SELECT)]);
  assert.deepEqual(ra, [[...TEST_FCI], 0x90, 0x00]);
  assert.deepEqual(rb, ra);
});

withCard("an exclusive connection keeps others out with a sharing violation", ATR_T1, async () => {
  using a = connectTo();
  await a.connect(undefined, SCARD_SHARE_EXCLUSIVE);
  using b = connectTo();
  await assert.rejects(b.connect(), (e: unknown) => {
    assert.ok(e instanceof CardConnectionException);
    assert.equal(e.hresult, 0x8010000B);
    assert.equal(e.message, "Unable to connect: Sharing violation. (0x8010000B)");
    return true;
  });
  a.disconnect();
  await b.connect();
});

withCard("using releases the connection on every path, errors included", ATR_T1, async () => {
  const exclusive = async () => {
    using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    return c;
  };
  // normal exit
  const first = await exclusive();
  assert.throws(() => first.getATR(), /released/);
  // exit by an exception
  await assert.rejects(async () => {
    using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    throw new Error("boom");
  }, /boom/);
  // await using waits for pending calls before releasing
  {
    await using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    void c.transmit(SELECT);
  }
  // had any of them leaked its handle, this exclusive connect would be refused
  (await exclusive()).release();
});

withCard("bad input is refused before any native call, naming the argument", ATR_T1, async () => {
  using connection = connectTo();
  await assert.rejects(connection.transmit(SELECT), /card not connected/);
  assert.throws(() => connection.transmitSync(SELECT), CardConnectionException);
  await assert.rejects(connection.connect(0x40), { name: "RangeError", message: /protocol/ });
  await assert.rejects(connection.connect(1.5), { name: "RangeError", message: /protocol/ });
  await assert.rejects(connection.connect(T1, 7), { name: "RangeError", message: /mode/ });
  await assert.rejects(connection.connect(T1, 2, 9), {
    name: "RangeError",
    message: /disposition/,
  });
  await connection.connect();
  await assert.rejects(connection.transmit([0, 256]), {
    name: "RangeError",
    message: /command\[1\]/,
  });
  await assert.rejects(connection.transmit([0, -1]), {
    name: "RangeError",
    message: /command\[1\]/,
  });
  await assert.rejects(connection.transmit([0, 1.5]), {
    name: "TypeError",
    message: /command\[1\]/,
  });
  await assert.rejects(connection.transmit("00A40400" as unknown as number[]), {
    name: "TypeError",
    message: /command must be an array of bytes/,
  });
  await assert.rejects(connection.transmit([]), {
    name: "RangeError",
    message: /command is empty/,
  });
  await assert.rejects(connection.transmit(new Uint8Array(65545)), {
    name: "RangeError",
    message: /command is 65545 bytes long; at most 65544/,
  });
  await assert.rejects(connection.transmit(SELECT, 3), { name: "RangeError", message: /protocol/ });
  assert.throws(() => connection.controlSync(-1), { name: "RangeError", message: /controlCode/ });
  assert.throws(() => connection.getAttribSync(2 ** 32), {
    name: "RangeError",
    message: /attribId/,
  });
  assert.throws(() => connection.setProtocol(0x20), { name: "RangeError" });
  // the connection still works after all of that
  assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  connection.release();
  for (
    const call of [
      () => connection.transmitSync(SELECT),
      () => connection.connectSync(),
      () => connection.getATR(),
      () => connection.getAttribSync(0x0303),
    ]
  ) {
    assert.throws(call, { name: "CardConnectionException", message: /released/ });
  }
  await assert.rejects(connection.transmit(SELECT), /released/);
});

withCard(
  "a *Sync call while a promise call is pending is refused, not frozen",
  ATR_T1,
  async () => {
    using connection = connectTo();
    await connection.connect();
    const pending = connection.transmit(SELECT);
    assert.throws(() => connection.transmitSync(SELECT), /pending/);
    assert.deepEqual(await pending, [[...TEST_FCI], 0x90, 0x00]);
    assert.deepEqual(connection.transmitSync(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  },
);

withCard(
  "release under a running call frees nothing until it ends, and refuses the rest",
  ATR_T1,
  async () => {
    using calls = new NativeCalls();
    const connection = connectTo();
    await connection.connect();
    // a long answer, in PC/SC before release
    const running = connection.transmit([0x00, 0x20, 0x00, 0x00, 0x00, 0xFF, 0xFD]);
    await until("the transmit in PC/SC", () => calls.pending("transmit") === 1);
    // its rejection comes while the running call is still awaited: caught from the start
    const queued = connection.transmit(SELECT).catch((e: unknown) => e);
    const start = performance.now();
    connection.release();
    // release neither waited for the running call nor freed its handle under it
    assert.ok(performance.now() - start < 50);
    assert.equal((await running)[0].length, 65533);
    assert.match(String(await queued), /released/);
    // once the running call ended, the card handle was released: an exclusive connect works
    await until("the card handle released", () => calls.count("disconnect") === 1);
    using other = connectTo();
    await other.connect(undefined, SCARD_SHARE_EXCLUSIVE);
  },
);

withCard("two connects at once: the second is refused, no handle leaks", ATR_T1, async () => {
  const connection = connectTo();
  const results = await Promise.allSettled([connection.connect(), connection.connect()]);
  assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected"]);
  connection.disconnect();
  using other = connectTo();
  await other.connect(undefined, SCARD_SHARE_EXCLUSIVE);
  connection.release();
});

withCard("a queued transmit sends the command as it was when called", ATR_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  const apdu = [0x00, 0x40, 0x00, 0x00, 0x01, 0xAA, 0x01];
  const first = connection.transmit(apdu);
  apdu[5] = 0xBB;
  const second = connection.transmit(apdu);
  apdu[5] = 300;
  assert.deepEqual(await first, [[0xAA], 0x90, 0x00]);
  assert.deepEqual(await second, [[0xBB], 0x90, 0x00]);
});

withCard("getATR and disconnect wait for no pending call: they are refused", ATR_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  const pending = connection.transmit(SELECT);
  assert.throws(() => connection.getATR(), /pending/);
  assert.throws(() => connection.disconnect(), /pending/);
  await pending;
  assert.deepEqual(connection.getATR(), ATR_T1);
  connection.disconnect();
});
