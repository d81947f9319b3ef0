// The Web Smart Card API's contexts on the scripted PC/SC: establishContext, listReaders,
// getStatusChange and connect, and the one operation a context runs at a time.
import assert from "node:assert/strict";
import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } from "../../src/pcsc/protocols.ts";
import { SCARD_SCOPE_SYSTEM } from "../../src/pcsc/context.ts";
import {
  SCARD_SHARE_DIRECT,
  SCARD_SHARE_EXCLUSIVE,
  SCARD_SHARE_SHARED,
} from "../../src/pcsc/share_and_disposition.ts";
import {
  SCARD_STATE_EMPTY,
  SCARD_STATE_EXCLUSIVE,
  SCARD_STATE_IGNORE,
  SCARD_STATE_INUSE,
  SCARD_STATE_MUTE,
  SCARD_STATE_PRESENT,
  SCARD_STATE_UNAVAILABLE,
  SCARD_STATE_UNPOWERED,
} from "../../src/pcsc/reader_state.ts";
import { SmartCardError } from "../../src/web/smart_card_error.ts";
import type { SmartCardContext } from "../../src/web/smart_card_context.ts";
import { createResourceManager } from "../../src/web/smart_card_resource_manager.ts";
import { type ScriptedOptions, ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { until } from "../support/until.ts";

const A = "Reader A";
const B = "Reader B";
const ATR = [0x3B, 0x02, 0x14, 0x50];

async function establish(options: ScriptedOptions = {}) {
  const pcsc = new ScriptedPcsc(options);
  const context = await createResourceManager(pcsc).establishContext();
  return { pcsc, context };
}

/** Resolves once a wait has reached the service and blocks there. */
const blocked = (pcsc: ScriptedPcsc) => until("the wait to block", () => pcsc.pendingWaits === 1);

const isName = (name: string) => (e: unknown) => {
  assert.ok(e instanceof DOMException, `expected a DOMException, got ${e}`);
  assert.equal(e.name, name);
  return true;
};
const isSmartCardError = (code: string) => (e: unknown) => {
  assert.ok(e instanceof SmartCardError, `expected a SmartCardError, got ${e}`);
  assert.equal(e.responseCode, code);
  return true;
};

function lastWait(pcsc: ScriptedPcsc) {
  return pcsc.calls.filter((c) => c.call === "SCardGetStatusChange").at(-1)!;
}

/** A wait on `reader` believed empty (so only a change ends it), with the options given. */
function waitEmpty(context: SmartCardContext, reader: string, options = {}) {
  return context.getStatusChange([{ readerName: reader, currentState: { empty: true } }], options);
}

Deno.test("establishContext asks for the system scope, and so does each connection", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  await context.connect(A, "shared", { preferredProtocols: ["t1"] });
  const scopes = pcsc.calls.filter((c) => c.call === "SCardEstablishContext").map((c) => c.scope);
  assert.deepEqual(scopes, [SCARD_SCOPE_SYSTEM, SCARD_SCOPE_SYSTEM]);
});

Deno.test("establishContext without a service rejects with SmartCardError no-service", async () => {
  const pcsc = new ScriptedPcsc({ running: false });
  await assert.rejects(
    createResourceManager(pcsc).establishContext(),
    isSmartCardError("no-service"),
  );
});

Deno.test("listReaders gives [] with no readers, then the readers' names", async () => {
  const { pcsc, context } = await establish();
  assert.deepEqual(await context.listReaders(), []);
  pcsc.plug(A);
  pcsc.plug(B, ATR);
  assert.deepEqual(await context.listReaders(), [A, B]);
});

Deno.test("getStatusChange without a timeout waits with none, until a change ends it", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A);
  let settled = false;
  const pending = waitEmpty(context, A).finally(() => settled = true);
  await blocked(pcsc);
  assert.equal(lastWait(pcsc).timeoutMs, Infinity);
  // another context's wait of 50 ms, ended by the service's time-out: this one had as long
  const other = await createResourceManager(pcsc).establishContext();
  await assert.rejects(waitEmpty(other, A, { timeout: 50 }), isName("TimeoutError"));
  assert.equal(settled, false, "nothing changed: still waiting");
  pcsc.insert(A, ATR);
  const [state] = await pending;
  assert.equal(state.readerName, A);
  assert.equal(state.eventState.present, true);
  assert.equal(state.eventState.changed, true);
  assert.equal(state.eventState.empty, false);
  assert.equal(state.eventCount, 1);
  assert.deepEqual([...new Uint8Array(state.answerToReset!)], ATR);
});

Deno.test("a time-out rejects with a TimeoutError DOMException, not a SmartCardError", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A);
  await assert.rejects(waitEmpty(context, A, { timeout: 20 }), (e: unknown) => {
    assert.ok(!(e instanceof SmartCardError));
    return isName("TimeoutError")(e);
  });
  assert.equal(lastWait(pcsc).timeoutMs, 20);
  // a negative time-out is none at all: the state is looked at once
  await assert.rejects(waitEmpty(context, A, { timeout: -5 }), isName("TimeoutError"));
  assert.equal(lastWait(pcsc).timeoutMs, 0);
});

Deno.test("the current state's flags and currentCount (the high word) reach PC/SC", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  const everything = {
    unaware: true,
    ignore: true,
    unavailable: true,
    empty: true,
    present: true,
    exclusive: true,
    inuse: true,
    mute: true,
    unpowered: true,
  };
  await context.getStatusChange([{ readerName: A, currentState: everything, currentCount: 5 }], {
    timeout: 0,
  }).catch(() => {});
  const bits = SCARD_STATE_IGNORE | SCARD_STATE_UNAVAILABLE | SCARD_STATE_EMPTY |
    SCARD_STATE_PRESENT | SCARD_STATE_EXCLUSIVE | SCARD_STATE_INUSE | SCARD_STATE_MUTE |
    SCARD_STATE_UNPOWERED;
  assert.deepEqual(lastWait(pcsc).currentStates, [(5 << 16) | bits]);
  // without currentCount, the high word is 0; a count above 16 bits keeps its low 16
  await context.getStatusChange([
    { readerName: A, currentState: { present: true } },
    { readerName: A, currentState: { present: true }, currentCount: 0x1_0003 },
  ], { timeout: 0 }).catch(() => {});
  assert.deepEqual(lastWait(pcsc).currentStates, [SCARD_STATE_PRESENT, (3 << 16) | 0x20]);
});

Deno.test("the reader states out: flags, eventCount from the high word, the ATR only with a card", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  pcsc.plug(B);
  pcsc.remove(A);
  pcsc.insert(A, ATR);
  const [a, b] = await context.getStatusChange([
    { readerName: A, currentState: { unaware: true } },
    { readerName: B, currentState: { unaware: true } },
  ]);
  assert.deepEqual(a, {
    readerName: A,
    eventState: {
      ignore: false,
      changed: true,
      unavailable: false,
      unknown: false,
      empty: false,
      present: true,
      exclusive: false,
      inuse: false,
      mute: false,
      unpowered: false,
    },
    eventCount: 2,
    answerToReset: Uint8Array.from(ATR).buffer,
  });
  assert.equal(b.eventState.empty, true);
  assert.equal(b.eventCount, 0);
  assert.ok(!("answerToReset" in b), "no card, no ATR");
});

Deno.test("aborting cancels the native wait; the promise rejects with the signal's reason", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A);
  const controller = new AbortController();
  const reason = { why: "the user left" };
  const pending = waitEmpty(context, A, { signal: controller.signal });
  await blocked(pcsc);
  controller.abort(reason);
  await assert.rejects(pending, (e: unknown) => e === reason);
  assert.equal(pcsc.pendingWaits, 0);
  assert.ok(pcsc.count("SCardCancel") >= 1);
  // the context is free again
  assert.deepEqual(await context.listReaders(), [A]);
});

Deno.test("a cancel lost before the wait began is sent again until the wait ends", async () => {
  const { pcsc, context } = await establish({ lostCancels: 3 });
  pcsc.plug(A);
  const controller = new AbortController();
  const pending = waitEmpty(context, A, { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, (e: unknown) => e === controller.signal.reason);
  assert.ok(pcsc.count("SCardCancel") >= 4, `${pcsc.count("SCardCancel")} cancels`);
  const cancels = pcsc.count("SCardCancel");
  // the next wait on the context ends at its own time-out: a cancel still repeating would have
  // ended it first
  await assert.rejects(waitEmpty(context, A, { timeout: 50 }), isName("TimeoutError"));
  assert.equal(pcsc.count("SCardCancel"), cancels, "no cancel after the wait ended");
});

Deno.test("an already aborted signal rejects at once with its reason; no wait starts", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A);
  const signal = AbortSignal.abort("gone");
  await assert.rejects(waitEmpty(context, A, { signal }), (e: unknown) => e === "gone");
  assert.equal(pcsc.count("SCardGetStatusChange"), 0);
});

Deno.test("a reader the service does not know: SmartCardError unknown-reader", async () => {
  const { context } = await establish();
  await assert.rejects(waitEmpty(context, "Nobody"), isSmartCardError("unknown-reader"));
});

Deno.test("one operation at a time: anything else while a wait runs rejects with InvalidStateError", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  pcsc.plug(B);
  const { connection } = await context.connect(A, "shared", { preferredProtocols: ["t1"] });
  const controller = new AbortController();
  const pending = waitEmpty(context, B, { signal: controller.signal });
  const refused = [
    context.listReaders(),
    waitEmpty(context, B),
    context.connect(A, "shared", { preferredProtocols: ["t1"] }),
    connection.transmit(new Uint8Array([0, 0, 0, 0])),
    connection.status(),
    connection.control(1, new Uint8Array()),
    connection.getAttribute(1),
    connection.setAttribute(1, new Uint8Array([1])),
    connection.startTransaction(() => Promise.resolve(undefined)),
    connection.disconnect(),
  ];
  for (const call of refused) await assert.rejects(call, isName("InvalidStateError"));
  controller.abort();
  await pending.catch(() => {});
  // only the wait and the connect before it reached PC/SC
  assert.equal(pcsc.count("SCardGetStatusChange"), 1);
  assert.equal(pcsc.count("SCardTransmit"), 0);
  assert.deepEqual(await context.listReaders(), [A, B]);
});

Deno.test("two calls made at once: the second is refused even for a quick one", async () => {
  const { context } = await establish();
  const first = context.listReaders();
  // the refusal is checked at once: the first call settles on a later turn of the event loop
  const second = assert.rejects(context.listReaders(), isName("InvalidStateError"));
  assert.deepEqual(await first, []);
  await second;
});

Deno.test("bad arguments are rejected promises with a TypeError, never a throw", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A);
  const calls: (() => Promise<unknown>)[] = [
    () => context.getStatusChange(42 as never),
    () => context.getStatusChange("A" as never),
    () => context.getStatusChange([{ currentState: {} }] as never),
    () => context.getStatusChange([{ readerName: A }] as never),
    () => context.getStatusChange([{ readerName: A, currentState: 1 }] as never),
    () => context.getStatusChange([], { timeout: NaN }),
    () => context.getStatusChange([], { signal: {} as AbortSignal }),
    () => context.getStatusChange([], 7 as never),
    () => context.connect(A, "shareable" as never),
    () => context.connect(Symbol() as never, "shared"),
    () => context.connect(A, "shared", { preferredProtocols: ["t2" as never] }),
    () => context.connect(A, "shared", { preferredProtocols: "t1" as never }),
  ];
  for (const call of calls) {
    let promise: Promise<unknown> | undefined;
    assert.doesNotThrow(() => promise = call());
    await assert.rejects(promise!, TypeError);
  }
  assert.equal(pcsc.count("SCardGetStatusChange"), 0);
  assert.equal(pcsc.count("SCardConnect"), 0);
  // a refused argument takes no turn: the context is free
  assert.deepEqual(await context.listReaders(), [A]);
});

Deno.test("connect hands PC/SC the share mode and the protocols; activeProtocol is the one chosen", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  pcsc.plug(B);
  const raw = pcsc.abi.protocolRaw;
  const shared = await context.connect(A, "shared", { preferredProtocols: ["t0", "t1"] });
  assert.equal(shared.activeProtocol, "t1");
  const connects = () => pcsc.calls.filter((c) => c.call === "SCardConnect");
  assert.deepEqual(connects().at(-1), {
    call: "SCardConnect",
    context: connects().at(-1)!.context,
    reader: A,
    share: SCARD_SHARE_SHARED,
    protocols: SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
  });
  await shared.connection.disconnect();
  const t0 = await context.connect(A, "exclusive", { preferredProtocols: ["t0", "raw"] });
  assert.equal(t0.activeProtocol, "t0");
  assert.equal(connects().at(-1)!.share, SCARD_SHARE_EXCLUSIVE);
  assert.equal(connects().at(-1)!.protocols, SCARD_PROTOCOL_T0 | raw);
  await t0.connection.disconnect();
  // direct to an empty reader: no protocol, and no activeProtocol member
  const direct = await context.connect(B, "direct");
  assert.ok(!("activeProtocol" in direct));
  assert.equal(connects().at(-1)!.share, SCARD_SHARE_DIRECT);
  assert.equal(connects().at(-1)!.protocols, 0);
});

Deno.test("connect failures are the service's: no card, unknown reader, sharing, protocols", async () => {
  const { pcsc, context } = await establish();
  pcsc.plug(A, ATR);
  pcsc.plug(B);
  const live = pcsc.liveContexts;
  await assert.rejects(
    context.connect(B, "shared", { preferredProtocols: ["t1"] }),
    isSmartCardError("no-smartcard"),
  );
  await assert.rejects(
    context.connect("C", "shared", { preferredProtocols: ["t1"] }),
    isSmartCardError("unknown-reader"),
  );
  // as the spec has it: no preferredProtocols is no protocol asked for
  await assert.rejects(context.connect(A, "shared"), isSmartCardError("proto-mismatch"));
  assert.equal(pcsc.liveContexts, live, "a failed connect frees the context it made");
  const { connection } = await context.connect(A, "shared", { preferredProtocols: ["t1"] });
  await assert.rejects(
    context.connect(A, "exclusive", { preferredProtocols: ["t1"] }),
    isSmartCardError("sharing-violation"),
  );
  await connection.disconnect();
  await context.connect(A, "exclusive", { preferredProtocols: ["t1"] });
  await assert.rejects(
    context.connect(A, "shared", { preferredProtocols: ["t1"] }),
    isSmartCardError("sharing-violation"),
  );
});
