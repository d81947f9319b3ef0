// The one wait loop on the scripted PC/SC: every platform's branch, on any machine.
import assert from "node:assert/strict";
import { LINUX_ABI, MACOS_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { PNP_NOTIFICATION } from "../../src/ffi/constants.ts";
import { decodeReaderState } from "../../src/pcsc/reader_state.ts";
import { PcscError } from "../../src/ffi/pcsc_error.ts";
import { ReaderWatch, type WatchOutcome } from "../../src/pcsc/reader_watch.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { until } from "../support/until.ts";

const A = "Reader A";
const B = "Reader B";
const ATR = [0x3B, 0x02, 0x14, 0x50];

const soon = (ms: number) => performance.now() + ms;
/** Resolves once the watch's wait has reached the service and blocks there. */
const blocked = (pcsc: ScriptedPcsc) => until("the wait to block", () => pcsc.pendingWaits === 1);

/** The readers of a "changed" outcome, each as [name, card present]. */
function readersOf(outcome: WatchOutcome): [string, boolean][] {
  assert.equal(outcome.kind, "changed", `expected a change, got ${outcome.kind}`);
  if (outcome.kind !== "changed") return [];
  return outcome.readers.map((r) => [r.reader, r.present]);
}

function waitsOf(pcsc: ScriptedPcsc) {
  return pcsc.calls.filter((c) => c.call === "SCardGetStatusChange");
}

Deno.test("a look reports every reader and its card; a wait returns on the next insertion", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A);
  pcsc.plug(B, ATR);
  using watch = new ReaderWatch(pcsc);
  assert.deepEqual(readersOf(await watch.look(null, soon(1000))), [[A, false], [B, true]]);
  const pending = watch.wait(null, soon(5000));
  await blocked(pcsc);
  pcsc.insert(A, ATR);
  const outcome = await pending;
  assert.deepEqual(readersOf(outcome), [[A, true], [B, true]]);
  // with PnP, the wait is one native call for the whole time-out, the PnP reader included
  assert.deepEqual(waitsOf(pcsc).at(-1)?.readers, [A, B, PNP_NOTIFICATION]);
  // the next wait hands back each whole event state, event count included: Windows returns at
  // once forever when the count is left out
  const next = watch.wait(null, soon(50));
  assert.deepEqual(await next, { kind: "timeout" });
  const handedIn = waitsOf(pcsc).at(-1)!.currentStates!;
  if (outcome.kind === "changed") {
    assert.deepEqual(
      handedIn.slice(0, 2).map((state, i) => decodeReaderState(state, outcome.readers[i].atr)),
      outcome.readers.map(({ reader: _, restarted: __, ...state }) => state),
    );
    assert.equal(handedIn[0] >>> 16, 1, "reader A's one insertion is counted");
  }
});

Deno.test("a wait with nothing changing ends at its deadline as a time-out", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  assert.deepEqual(await watch.wait(null, soon(100)), { kind: "timeout" });
  assert.equal(pcsc.pendingWaits, 0);
});

Deno.test("macOS without PnP: a wait wakes once a second and sees a reader plugged in", async () => {
  const pcsc = new ScriptedPcsc({ abi: MACOS_ABI, pnp: false });
  pcsc.plug(A);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  // the first wait learns that the PnP reader is unknown here
  const first = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.insert(A, ATR);
  readersOf(await first);
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.plug(B, ATR);
  const started = performance.now();
  assert.deepEqual(readersOf(await pending), [[A, true], [B, true]]);
  assert.ok(performance.now() - started < 1500, "seen within one wake-up");
  const later = waitsOf(pcsc).slice(-2);
  for (const call of later) {
    assert.ok(!call.readers?.includes(PNP_NOTIFICATION), "no PnP reader once it is known absent");
  }
  assert.ok(later[0].timeoutMs! <= 1000, `slice of ${later[0].timeoutMs} ms`);
});

Deno.test("the platform's limit on reader states: no PnP slot past it, bounded wake-ups instead", async () => {
  const pcsc = new ScriptedPcsc({ abi: { ...LINUX_ABI, maxWaitStates: 2 } });
  pcsc.plug(A);
  pcsc.plug(B);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.insert(B, ATR);
  assert.deepEqual(readersOf(await pending), [[A, false], [B, true]]);
  for (const call of waitsOf(pcsc)) {
    assert.ok(call.readers!.length <= 2, `handed ${call.readers!.length} states`);
  }
  assert.ok(waitsOf(pcsc).at(-1)!.timeoutMs! <= 1000);
});

Deno.test("Windows stops its service with the last reader: the wait reports no readers, then the new one", async () => {
  const pcsc = new ScriptedPcsc({ abi: WINDOWS_ABI });
  pcsc.plug(A, ATR);
  using watch = new ReaderWatch(pcsc);
  assert.deepEqual(readersOf(await watch.look(null, soon(1000))), [[A, true]]);
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.unplug(A);
  assert.deepEqual(readersOf(await pending), []);
  // while the service is stopped, the watch waits for it, never busily
  const tried = pcsc.count("SCardEstablishContext");
  assert.deepEqual(await watch.wait(null, soon(300)), { kind: "timeout" });
  const tries = pcsc.count("SCardEstablishContext") - tried;
  assert.ok(tries <= 5, `${tries} establishment attempts in 300 ms`);
  const next = watch.wait(null, soon(10_000));
  pcsc.plug(B, ATR);
  const outcome = await next;
  assert.deepEqual(readersOf(outcome), [[B, true]]);
  assert.equal(outcome.kind === "changed" && outcome.readers[0].restarted, true);
});

Deno.test("a restart in mid-wait: a fresh context, and the readers reported as from a new service", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A, ATR);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  const tries = pcsc.count("SCardEstablishContext");
  pcsc.stop();
  // the watch has seen the service go: it tries a new context, and fails
  await until("a try at the stopped service", () => pcsc.count("SCardEstablishContext") > tries);
  pcsc.start();
  const outcome = await pending;
  assert.deepEqual(readersOf(outcome), [[A, true]]);
  assert.equal(outcome.kind === "changed" && outcome.readers[0].restarted, true);
  assert.ok(pcsc.count("SCardEstablishContext") >= 2);
});

Deno.test("a restart with no readers left reports none at once (the card is gone)", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A, ATR);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.stop();
  pcsc.clear();
  pcsc.start();
  const started = performance.now();
  assert.deepEqual(readersOf(await pending), []);
  assert.ok(performance.now() - started < 2000);
});

Deno.test("a reader unplugged while the service runs ends the wait without it", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A, ATR);
  pcsc.plug(B);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, soon(10_000));
  await blocked(pcsc);
  pcsc.unplug(A);
  let outcome = await pending;
  // the wake-up may still name the reader (gone, so no card), or already list without it
  if (readersOf(outcome).some(([name]) => name === A)) {
    assert.deepEqual(readersOf(outcome).find(([name]) => name === A), [A, false]);
    outcome = await watch.wait(null, soon(2000));
  }
  assert.deepEqual(readersOf(outcome), [[B, false]]);
});

Deno.test("a cancel that reaches the service before the wait is sent again until the wait ends", async () => {
  const pcsc = new ScriptedPcsc({ lostCancels: 3 });
  pcsc.plug(A);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, Infinity);
  await blocked(pcsc);
  const reason = new Error("stop");
  const started = performance.now();
  watch.abort(reason);
  assert.deepEqual(await pending, { kind: "aborted", reason });
  assert.ok(performance.now() - started < 100, "ended within 100 ms");
  assert.ok(pcsc.count("SCardCancel") >= 4);
  assert.equal(pcsc.pendingWaits, 0);
});

Deno.test("a service that says 'changed' when nothing did (Wine) is backed off from, not spun on", async () => {
  const pcsc = new ScriptedPcsc({ neverBlocks: true });
  pcsc.plug(A);
  using watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const before = pcsc.count("SCardGetStatusChange");
  assert.deepEqual(await watch.wait(null, soon(1000)), { kind: "timeout" });
  // 10, 20, 40, 80, 160, then 200 ms pauses: about nine wake-ups in a second, not thousands
  const wakes = pcsc.count("SCardGetStatusChange") - before;
  assert.ok(wakes <= 15, `${wakes} wake-ups in 1 s`);
  // and a real change is still seen
  const pending = watch.wait(null, soon(2000));
  pcsc.insert(A, ATR);
  assert.deepEqual(readersOf(await pending), [[A, true]]);
});

Deno.test("no pcscd at all on Linux: the first look fails at once, naming the way out", async () => {
  const pcsc = new ScriptedPcsc({ running: false });
  using watch = new ReaderWatch(pcsc);
  const started = performance.now();
  await assert.rejects(watch.wait(null, soon(10_000)), (e: unknown) => {
    assert.ok(e instanceof PcscError);
    assert.equal(e.code, 0x8010001D);
    assert.match(e.hint ?? "", /Start it/);
    return true;
  });
  assert.ok(performance.now() - started < 500);
});

Deno.test("Windows with its service stopped: a wait waits for it (a reader starts it)", async () => {
  const pcsc = new ScriptedPcsc({ abi: WINDOWS_ABI, running: false });
  using watch = new ReaderWatch(pcsc);
  const pending = watch.look(null, soon(10_000));
  // tried, refused, and trying again: waiting for the service, not failing
  await until("a second try", () => pcsc.count("SCardEstablishContext") >= 2);
  pcsc.plug(A, ATR);
  assert.deepEqual(readersOf(await pending), [[A, true]]);
});

Deno.test("close under a pending wait ends it and frees the context only once the wait is over", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A);
  const watch = new ReaderWatch(pcsc);
  await watch.look(null, soon(1000));
  const pending = watch.wait(null, Infinity);
  await blocked(pcsc);
  const reason = new Error("closed");
  // the scripted service throws if a context is released under a pending wait
  watch.close(reason);
  assert.deepEqual(await pending, { kind: "aborted", reason });
  assert.equal(pcsc.count("SCardReleaseContext"), 1);
  await assert.rejects(watch.look(null, soon(100)), /closed/);
});
