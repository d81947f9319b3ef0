/**
 * The library's Windows code path against a real PC/SC stack: run by deno.exe under Wine,
 * whose winscard.dll speaks to a pcscd with two vpcd readers (`tests/windows/run.sh` starts
 * it outside Wine and passes `PCSC_WINDOWS_STACK=host:port0:port1`).
 *
 * Not named `*_test.ts`: `deno task test` would pick it up on Linux, where it has nothing to
 * run.
 *
 * Wine is not Windows. A test whose result shows Wine's behaviour says so in its name,
 * "(Wine: ...)"; it asserts what Windows documents where the library can honour that, and is
 * ignored, with the reason printed, where it cannot.
 */

import assert from "node:assert/strict";
import process from "node:process";
import {
  CardConnection,
  CardConnectionException,
  CardRequest,
  CardRequestTimeoutException,
  NoCardException,
  type PCSCCardConnection,
  readergroups,
  readers,
  SCARD_CTL_CODE,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
} from "../../mod.ts";
import { smartCard } from "../../src/web/mod.ts";
import { CURRENT_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { SCARD_STATE_EMPTY, SCARD_STATE_PRESENT } from "../../src/pcsc/reader_state.ts";
import { library, symbolDefinitions } from "../../src/ffi/library.ts";
import * as pcsc from "../../src/ffi/pcsc.ts";
import type { CardStatus, Connected } from "../../src/ffi/pcsc.ts";
import type { ScardContext } from "../../src/ffi/native_handles.ts";
import { ATR_T0, ATR_T0_T1, ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { VirtualCard } from "../support/virtual_card.ts";
import { NativeCalls } from "../support/native_calls.ts";
import { until } from "../support/until.ts";

/** Why nothing can run, or undefined when the stack is there. */
function whySkipped(): string | undefined {
  if (Deno.build.os !== "windows") return `they need Windows or Wine (this is ${Deno.build.os})`;
  if (!Deno.env.get("PCSC_WINDOWS_STACK")) {
    return "PCSC_WINDOWS_STACK is unset (run them with `deno task test:windows`)";
  }
  return undefined;
}
const skippedBecause = whySkipped();
const skipped = skippedBecause !== undefined;
if (skipped) console.log(`windows tests skipped: ${skippedBecause}`);

const [HOST, ...PORTS] = (Deno.env.get("PCSC_WINDOWS_STACK") ?? "::").split(":");
const [READER0, READER1] = ["Virtual PCD 00 00", "Virtual PCD 00 01"];
const { T0_protocol: T0, T1_protocol: T1 } = CardConnection;
const SELECT = [0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID];
const SCARD_SCOPE_USER = 0;

/** A timer fires: proof that the event loop is not frozen. */
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

const newCard = (atr: readonly number[], reader: 0 | 1 = 0) =>
  new VirtualCard({ atr, host: HOST, port: Number(PORTS[reader]) });

function onStack(name: string, fn: () => Promise<void> | void): void {
  Deno.test({ name, ignore: skipped, fn: async () => skipped ? undefined : await fn() });
}

/** A test with a card of `atr` in reader 0 for its duration, seen by the service. */
function withCard(
  name: string,
  atr: readonly number[],
  fn: (card: VirtualCard) => Promise<void> | void,
): void {
  onStack(name, async () => {
    await using card = newCard(atr);
    await card.insert();
    try {
      await cardPresent(READER0);
      await fn(card);
    } finally {
      // also after a failure: the next test must not meet this card still on its way out
      await card.remove();
      await cardPresent(READER0, false);
    }
  });
}

/** A test that Wine cannot pass and the library cannot help: ignored, and says why. */
function wineCannot(name: string, why: string, fn: () => Promise<void> | void): void {
  if (!skipped) console.log(`ignored under Wine: ${name}\n  because ${why}`);
  Deno.test({ name, ignore: true, fn });
}

const connectTo = (reader = READER0) =>
  readers().find((r) => r.name === reader)!.createConnection();

// ----- the ABI -----

onStack("the Windows ABI is chosen: winscard.dll, the A entry points, 4-byte DWORD", () => {
  assert.equal(CURRENT_ABI, WINDOWS_ABI);
  assert.equal(library().path, "C:\\Windows\\System32\\winscard.dll");
  const names = Object.values(symbolDefinitions(CURRENT_ABI))
    .map((s) => "name" in s ? s.name : "");
  for (const name of ["SCardListReadersA", "SCardConnectA", "SCardGetStatusChangeA"]) {
    assert.ok(names.includes(name), name);
  }
  for (const name of ["SCardStatusA", "SCardListReaderGroupsA"]) assert.ok(names.includes(name));
  assert.equal(CURRENT_ABI.dword.size, 4);
  assert.equal(CURRENT_ABI.handle.size, 8);
  assert.equal(CURRENT_ABI.readerState.size, 64);
});

onStack(
  "a two-reader SCARD_READERSTATE array in the 64-byte layout reads back each reader",
  async () => {
    // a card in the second reader only: a wrong stride or offset puts its ATR in the wrong place
    await using card = newCard(ATR_T0_T1, 1);
    await card.insert();
    await cardPresent(READER1);
    const context = pcsc.establishContext(true, SCARD_SCOPE_USER) as ScardContext;
    try {
      const states = pcsc.readerStates([READER0, READER1]);
      assert.equal(states.buffer.length, 2 * 64);
      assert.equal(await pcsc.getStatusChangeAsync(context, 0, states), 0);
      assert.ok(states.eventState(0) & SCARD_STATE_EMPTY, states.eventState(0).toString(16));
      assert.equal(states.eventState(0) & SCARD_STATE_PRESENT, 0);
      assert.ok(states.eventState(1) & SCARD_STATE_PRESENT, states.eventState(1).toString(16));
      assert.deepEqual(states.atr(0), []);
      assert.deepEqual(states.atr(1), ATR_T0_T1);
    } finally {
      pcsc.releaseContext(context);
    }
    await card.remove();
    await cardPresent(READER1, false);
  },
);

// ----- readers and groups -----

onStack("readers() lists both virtual readers, readergroups() the default group", () => {
  assert.deepEqual(readers().map(String), [READER0, READER1]);
  assert.deepEqual(readers("SCard$DefaultReaders").map((r) => r.name), [READER0, READER1]);
  assert.deepEqual(readers(["SCard$DefaultReaders"]).map((r) => r.name), [READER0, READER1]);
  assert.ok(readergroups().includes("SCard$DefaultReaders"));
});

wineCannot(
  "addtoreadergroup puts a reader in a new group, removefromreadergroup takes it out " +
    "(Wine: SCardIntroduceReaderGroupA is unimplemented)",
  "Wine 10 exports SCardIntroduceReaderGroupA as a stub that aborts the whole process " +
    '("Call from ... to unimplemented function"), and pcsc-lite has no groups to change',
  () => {
    const reader = readers().find((r) => r.name === READER1)!;
    reader.addtoreadergroup("Test Group");
    assert.deepEqual(readers("Test Group").map(String), [READER1]);
    reader.removefromreadergroup("Test Group");
    assert.ok(!readergroups().includes("Test Group"));
  },
);

// ----- waiting for a card -----

onStack("waitforcard resolves for a card inserted while it waits", async () => {
  using calls = new NativeCalls();
  using request = new CardRequest({ readers: [READER0], timeout: 10 });
  const waiting = request.waitforcard();
  // counted, not seen pending: Wine's waits return at once
  await until("the request's first wait", () => calls.waits > 0);
  await using card = newCard(ATR_T1);
  await card.insert();
  using service = await waiting;
  const connection = service.connection;
  assert.equal(connection.getReader().name, READER0);
  await connection.connect();
  assert.deepEqual(connection.getATR(), ATR_T1);
  connection.disconnect();
  await card.remove();
  await cardPresent(READER0, false);
});

onStack(
  "waitforcard with no card ends at its deadline with CardRequestTimeoutException",
  async () => {
    using request = new CardRequest({ readers: [READER0], timeout: 0.5 });
    const start = performance.now();
    await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
    const elapsed = performance.now() - start;
    assert.ok(elapsed >= 450 && elapsed < 3000, `${elapsed} ms`);
  },
);

onStack(
  "an idle waitforcard costs next to no CPU " +
    "(Wine: SCardGetStatusChangeA returns at once, so the request must back off)",
  async () => {
    // Windows blocks in SCardGetStatusChange until something changes; Wine returns success at
    // once every time, so only the request's own back-off keeps this from spinning.
    using request = new CardRequest({ readers: [READER0], timeout: 2 });
    const before = process.cpuUsage();
    const start = performance.now();
    await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
    const wall = performance.now() - start;
    const used = process.cpuUsage(before);
    const share = (used.user + used.system) / 1000 / wall;
    assert.ok(share < 0.1, `${(share * 100).toFixed(0)}% of a core for ${wall.toFixed(0)} ms`);
  },
);

// ----- connections -----

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
  assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

withCard("connect with T=1 to a T=1 card, synchronously too", ATR_T1, () => {
  using connection = connectTo();
  connection.connectSync(T1);
  assert.equal(connection.getProtocol(), T1);
  assert.deepEqual(connection.getATR(), ATR_T1);
  assert.deepEqual(connection.transmitSync([0x00, 0x10, 0x00, 0x00]), [[], 0x90, 0x00]);
});

withCard("T0|T1 negotiates T=1; reconnect moves to T=0 and back", ATR_T0_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  assert.equal(connection.getProtocol(), T1);
  await connection.reconnect(T0);
  assert.equal(connection.getProtocol(), T0);
  assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  connection.reconnectSync(T1, SCARD_SHARE_SHARED);
  assert.equal(connection.getProtocol(), T1);
  assert.deepEqual(connection.transmitSync(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

const ramp = (n: number) => Array.from({ length: n }, (_, i) => i & 0xFF);

withCard("transmit carries short and extended APDUs, promise and sync", ATR_T1, async () => {
  using connection = connectTo();
  await connection.connect();
  const cases: [string, number[], number[]][] = [
    ["case 1", [0x00, 0x10, 0x00, 0x00], []],
    ["case 2 short, Le 00 = 256", [0x00, 0x20, 0x00, 0x00, 0x00], ramp(256)],
    ["case 4 short", [0x00, 0x40, 0x00, 0x00, 0x03, 7, 8, 9, 0x00], [7, 8, 9]],
    ["case 2 extended", [0x00, 0x20, 0x00, 0x00, 0x00, 0x04, 0x00], ramp(1024)],
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
  // the largest response vpcd carries: 65,533 bytes and SW
  const largest = [0x00, 0x20, 0x00, 0x00, 0x00, 0xFF, 0xFD];
  assert.deepEqual(await connection.transmit(largest), [ramp(65533), 0x90, 0x00]);
  assert.equal(connection.transmitSync(largest)[0].length, 65533);
  assert.deepEqual(await connection.transmit([0x00, 0xE0, 0x6A, 0x82]), [[], 0x6A, 0x82]);
});

withCard(
  "disconnect ends the connection: getATR refuses, a new connection works",
  ATR_T1,
  async () => {
    using connection = connectTo();
    await connection.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    connection.disconnect();
    assert.throws(() => connection.getATR(), CardConnectionException);
    // the exclusive handle is gone, or this would be a sharing violation
    using other = connectTo();
    await other.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    assert.deepEqual(other.getATR(), ATR_T1);
  },
);

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
      // SCARD_W_REMOVED_CARD; pcsc-lite may say SCARD_E_READER_UNAVAILABLE first
      assert.ok(e.hresult === 0x80100069 || e.hresult === 0x80100017, e.message);
      return true;
    });
    assert.throws(() => connection.transmitSync(SELECT), CardConnectionException);
    connection.release();
    await card.insert();
  },
);

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
  assert.throws(() => b.connectSync(undefined, SCARD_SHARE_EXCLUSIVE), /Sharing violation/);
  a.disconnect();
  await b.connect();
  assert.deepEqual(await b.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
});

withCard("using releases the connection on every path, errors included", ATR_T1, async () => {
  const exclusive = async () => {
    using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    return c;
  };
  const first = await exclusive();
  assert.throws(() => first.getATR(), /released/);
  await assert.rejects(async () => {
    using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    throw new Error("boom");
  }, /boom/);
  {
    await using c = connectTo();
    await c.connect(undefined, SCARD_SHARE_EXCLUSIVE);
    void c.transmit(SELECT);
  }
  // had any of them leaked its handle, this exclusive connect would be refused
  (await exclusive()).release();
});

// ----- another connection's transaction -----

withCard(
  "getATR under another connection's transaction fails at once, disconnect returns at once",
  ATR_T1,
  async (card) => {
    using holder = connectTo() as PCSCCardConnection;
    using other = connectTo();
    await holder.connect();
    await other.connect();
    const seen = (await card.controlLog()).length;
    await holder.beginTransaction();
    assert.throws(() => other.getATR(), (e: unknown) => {
      assert.ok(e instanceof CardConnectionException);
      assert.match(e.message, /^Cannot getATR: another connection of this process/);
      return true;
    });
    let settled = false;
    const waiting = other.transmit(SELECT).finally(() => settled = true);
    await tick();
    assert.equal(settled, false);
    await holder.endTransaction();
    assert.equal((await waiting)[1], 0x90);
    await holder.beginTransaction();
    other.disconnect(); // unpower: winscard over pcsc-lite would wait for the holder
    assert.equal(other.connected, false);
    await holder.endTransaction();
    await until("the power-off", async () => (await card.controlLog()).slice(seen).includes(0x00));
  },
);

// status() is not tried here: Wine passes pcsc-lite's state mask where Windows gives an ordinal
withCard("Web API: disconnect('reset') under another context's transaction", ATR_T1, async () => {
  const a = await smartCard.establishContext();
  const b = await smartCard.establishContext();
  const options = { preferredProtocols: ["t0", "t1"] as ("t0" | "t1")[] };
  const { connection: x } = await a.connect(READER0, "shared", options);
  const { connection: y } = await b.connect(READER0, "shared", options);
  let disconnected: Promise<void> | undefined;
  let settled = false;
  await x.startTransaction(async () => {
    disconnected = y.disconnect("reset");
    disconnected.finally(() => settled = true).catch(() => {});
    await tick();
    assert.equal(settled, false);
    return "leave";
  });
  await disconnected;
  await assert.rejects(x.transmit(new Uint8Array(SELECT)), /reset/i);
  await x.disconnect();
});

// ----- attributes, control, status -----

withCard(
  "getAttrib reads the attribute the driver has " +
    "(Wine: pcsc-lite refuses a buffer over 264 bytes, Windows takes 65,548)",
  ATR_T0_T1,
  async () => {
    using connection = connectTo();
    await connection.connect();
    // vpcd's own tags: 0x0303 the ATR, 0x0FAE the slot count
    assert.deepEqual(await connection.getAttrib(0x0303), ATR_T0_T1);
    assert.deepEqual(connection.getAttribSync(0x0FAE), [2]);
  },
);

withCard(
  "control passes Windows' SCARD_CTL_CODE to the driver and reports its refusal",
  ATR_T1,
  async () => {
    // CTL_CODE(FILE_DEVICE_SMARTCARD, 3400, METHOD_BUFFERED, FILE_ANY_ACCESS)
    assert.equal(SCARD_CTL_CODE(3400), 0x00313520);
    using connection = connectTo();
    await connection.connect();
    const refused = (e: unknown) => {
      assert.ok(e instanceof CardConnectionException);
      assert.match(e.message, /^Failed to control 0x313520: .* \(0x8010[0-9A-F]{4}\)$/);
      return true;
    };
    await assert.rejects(connection.control(SCARD_CTL_CODE(3400)), refused);
    assert.throws(() => connection.controlSync(SCARD_CTL_CODE(3400), [1, 2]), refused);
    // the refusal left the connection usable
    assert.deepEqual(await connection.transmit(SELECT), [[...TEST_FCI], 0x90, 0x00]);
  },
);

wineCannot(
  "a control code the driver lacks is SCARD_E_UNSUPPORTED_FEATURE, 0x80100022 on Windows " +
    "(Wine: pcsc-lite's 0x8010001F passes through, which is SCARD_E_UNEXPECTED on Windows)",
  "Wine hands pcsc-lite's return codes through unchanged, and the library cannot tell Wine's " +
    "winscard from Windows' to read them with pcsc-lite's table",
  async () => {
    using connection = connectTo();
    await connection.connect();
    await assert.rejects(connection.control(SCARD_CTL_CODE(3400)), (e: unknown) => {
      assert.ok(e instanceof CardConnectionException);
      assert.equal(e.hresult, 0x80100022);
      assert.match(e.message, /Feature not supported\. \(0x80100022\)$/);
      return true;
    });
  },
);

wineCannot(
  "SCardStatusA reports a connected card as SCARD_SPECIFIC, Windows' ordinal 6 " +
    "(Wine: pcsc-lite's bit mask, 0x34 here)",
  "Wine passes pcsc-lite's state bit mask through where Windows gives an ordinal, and " +
    "pcsc-lite's mask for this card (PRESENT|POWERED|NEGOTIABLE) has no SPECIFIC to map to",
  async () => {
    await using card = newCard(ATR_T1);
    await card.insert();
    await cardPresent(READER0);
    const context = pcsc.establishContext(true, SCARD_SCOPE_USER) as ScardContext;
    try {
      const { handle } = pcsc.connect(true, context, READER0, SCARD_SHARE_SHARED, T1) as Connected;
      const status = pcsc.status(true, handle) as CardStatus;
      pcsc.disconnect(true, handle, 0);
      // the ordinal SCARD_SPECIFIC = 6 is reported as the state bit 1 << 6
      assert.equal(status.state, 1 << 6);
    } finally {
      pcsc.releaseContext(context);
    }
  },
);

onStack("SCardStatusA gives the reader's name and the card's ATR", async () => {
  await using card = newCard(ATR_T0_T1);
  await card.insert();
  await cardPresent(READER0);
  const context = pcsc.establishContext(true, SCARD_SCOPE_USER) as ScardContext;
  try {
    const { handle, protocol } = pcsc.connect(
      true,
      context,
      READER0,
      SCARD_SHARE_SHARED,
      T0 | T1,
    ) as Connected;
    assert.equal(protocol, T1);
    const status = pcsc.status(true, handle) as CardStatus;
    pcsc.disconnect(true, handle, 0);
    assert.equal(status.reader, READER0);
    assert.equal(status.protocol, T1);
    assert.deepEqual(status.atr, ATR_T0_T1);
  } finally {
    pcsc.releaseContext(context);
  }
  await card.remove();
  await cardPresent(READER0, false);
});
