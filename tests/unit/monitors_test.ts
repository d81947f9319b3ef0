// Card and reader monitors, and their async iterables, on the scripted PC/SC: every sequence,
// the service lost and back included, with one native wait however many listen.
import assert from "node:assert/strict";
import { WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { feedOf } from "../../src/pcsc/reader_feed.ts";
import { decodeReaderState } from "../../src/pcsc/reader_state.ts";
import type { ReaderReport } from "../../src/pcsc/reader_watch.ts";
import {
  type Card,
  CardMonitor,
  type CardObserver,
  type Reader,
  ReaderMonitor,
  watchCards,
  watchReaders,
} from "../../mod.ts";
import { CardChanges } from "../../src/smartcard/monitoring/reader_changes.ts";
import { type ScriptedOptions, ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { until } from "../support/until.ts";

const A = "Reader A";
const B = "Reader B";
const ATR1 = [0x3B, 0x02, 0x14, 0x50];
const ATR2 = [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6];

const names = (cards: readonly (Card | Reader)[]) => cards.map(String);

/** A scripted service for the monitors `fn` makes on it; checks nothing is left pending. */
async function scripted(
  options: ScriptedOptions,
  fn: (pcsc: ScriptedPcsc) => Promise<void>,
): Promise<void> {
  const pcsc = new ScriptedPcsc(options);
  await fn(pcsc);
  // the last listener gone, the wait ends and the context is freed
  await until("the wait ended", () => pcsc.pendingWaits === 0 && feedOf(pcsc).listeners === 0);
  await until("the context freed", () => pcsc.liveContexts === 0);
}

/** Resolves once the feed waits in the service again: it has taken in every change so far. */
const waitingAgain = (pcsc: ScriptedPcsc) =>
  until("the feed to wait again", () => pcsc.pendingWaits === 1);

/** An observer that records every update as "+card" / "-card" strings, one list per update. */
function recorder(): CardObserver & { updates: string[][]; service: boolean[] } {
  const updates: string[][] = [];
  const service: boolean[] = [];
  return {
    updates,
    service,
    update(_monitor, [added, removed]) {
      updates.push([...names(removed).map((c) => `-${c}`), ...names(added).map((c) => `+${c}`)]);
    },
    serviceChanged(_monitor, available) {
      service.push(available);
    },
  };
}

Deno.test("CardMonitor: the cards present at once, then each insertion and removal", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    pcsc.plug(B);
    const monitor = new CardMonitor(pcsc);
    const observer = recorder();
    monitor.addObserver(observer);
    monitor.addObserver(observer);
    assert.equal(monitor.countObservers(), 1, "adding twice is ignored");
    await until("update 1", () => observer.updates.length === 1);
    assert.deepEqual(observer.updates, [[`+3B 02 14 50 / ${A}`]]);
    pcsc.insert(B, ATR2);
    await until("update 2", () => observer.updates.length === 2);
    pcsc.remove(A);
    await until("update 3", () => observer.updates.length === 3);
    assert.deepEqual(observer.updates.slice(1), [
      [`+3B 82 01 54 31 E6 / ${B}`],
      [`-3B 02 14 50 / ${A}`],
    ]);
    // a second observer is told at once what the monitor knows
    const late = recorder();
    monitor.addObserver(late);
    assert.deepEqual(late.updates, [[`+3B 82 01 54 31 E6 / ${B}`]]);
    monitor.deleteObservers();
  });
});

Deno.test("CardMonitor with no card: the first update is empty", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A);
    const monitor = new CardMonitor(pcsc);
    const observer = recorder();
    monitor.addObserver(observer);
    await until("update 1", () => observer.updates.length === 1);
    assert.deepEqual(observer.updates, [[]]);
    monitor.deleteObserver(observer);
  });
});

Deno.test("a reader plugged in with a card in it, and one unplugged with its card", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    const cards = new CardMonitor(pcsc);
    const readers = new ReaderMonitor(pcsc);
    const cardLog = recorder();
    const readerLog: string[][] = [];
    cards.addObserver(cardLog);
    readers.addObserver({
      update: (_m, [added, removed]) =>
        readerLog.push([
          ...names(removed).map((r) => `-${r}`),
          ...names(added).map((r) => `+${r}`),
        ]),
    });
    await until("update 1 of each", () => cardLog.updates.length === 1 && readerLog.length === 1);
    pcsc.plug(B, ATR2);
    await until("update 2 of each", () => cardLog.updates.length === 2 && readerLog.length === 2);
    pcsc.unplug(A);
    await until("update 3 of each", () => cardLog.updates.length === 3 && readerLog.length === 3);
    assert.deepEqual(cardLog.updates, [
      [`+3B 02 14 50 / ${A}`],
      [`+3B 82 01 54 31 E6 / ${B}`],
      [`-3B 02 14 50 / ${A}`],
    ]);
    assert.deepEqual(readerLog, [[`+${A}`], [`+${B}`], [`-${A}`]]);
    cards.deleteObservers();
    readers.deleteObservers();
  });
});

Deno.test("the service lost and back: observers are told; cards still there are not new", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    pcsc.plug(B, ATR2);
    const monitor = new CardMonitor(pcsc);
    const observer = recorder();
    monitor.addObserver(observer);
    await until("update 1", () => observer.updates.length === 1);
    pcsc.stop();
    await until("the service lost", () => observer.service.length === 1);
    // while it is down, the card in B goes, and B with it
    pcsc.unplug(B);
    pcsc.start();
    await until(
      "the service back",
      () => observer.service.length === 2 && observer.updates.length === 2,
    );
    assert.deepEqual(observer.service, [false, true]);
    assert.deepEqual(observer.updates[1], [`-3B 82 01 54 31 E6 / ${B}`]);
    // the card in A was there all along: not reported again, now that the monitor has seen
    // the service as it is and waits for the next change
    await waitingAgain(pcsc);
    assert.equal(observer.updates.length, 2);
    monitor.deleteObserver(observer);
  });
});

Deno.test("Windows stopping its service with its last reader: the card goes, then a new one comes", async () => {
  await scripted({ abi: WINDOWS_ABI }, async (pcsc) => {
    pcsc.plug(A, ATR1);
    const monitor = new CardMonitor(pcsc);
    const observer = recorder();
    monitor.addObserver(observer);
    await until("update 1", () => observer.updates.length === 1);
    pcsc.unplug(A);
    await until("update 2", () => observer.updates.length === 2);
    pcsc.plug(B, ATR2);
    await until("update 3", () => observer.updates.length === 3);
    assert.deepEqual(observer.updates, [
      [`+3B 02 14 50 / ${A}`],
      [`-3B 02 14 50 / ${A}`],
      [`+3B 82 01 54 31 E6 / ${B}`],
    ]);
    monitor.deleteObserver(observer);
  });
});

Deno.test("an observer that throws is reported, and the others are still told", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      const monitor = new CardMonitor(pcsc);
      const throwing: CardObserver = {
        update() {
          throw new Error("observer failure");
        },
      };
      const observer = recorder();
      monitor.addObserver(throwing);
      monitor.addObserver(observer);
      await until("update 1", () => observer.updates.length === 1);
      assert.ok(logged.some((args) => String(args[1]).includes("observer failure")));
      monitor.deleteObservers();
    } finally {
      console.error = original;
    }
  });
});

Deno.test("a card taken out and put back between two looks is a removal and an insertion", () => {
  const changes = new CardChanges();
  const report = (events: number): ReaderReport => ({
    reader: A,
    ...decodeReaderState((events << 16) | 0x20, ATR1),
  });
  assert.deepEqual(names(changes.next([report(1)])!.inserted), [`3B 02 14 50 / ${A}`]);
  const change = changes.next([report(3)])!;
  assert.deepEqual(names(change.removed), [`3B 02 14 50 / ${A}`]);
  assert.deepEqual(names(change.inserted), [`3B 02 14 50 / ${A}`]);
  assert.equal(changes.next([report(3)]), null);
});

Deno.test("watchCards: the cards present first, then changes; break ends the native wait", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    pcsc.plug(B);
    const seen: string[][] = [];
    for await (const { inserted, removed } of watchCards({ pcsc })) {
      seen.push([...names(removed).map((c) => `-${c}`), ...names(inserted).map((c) => `+${c}`)]);
      if (seen.length === 1) pcsc.insert(B, ATR2);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, [[`+3B 02 14 50 / ${A}`], [`+3B 82 01 54 31 E6 / ${B}`]]);
    const started = performance.now();
    await until("the wait ended", () => pcsc.pendingWaits === 0);
    assert.ok(performance.now() - started < 100, "the wait ended within 100 ms");
  });
});

Deno.test("watchCards: a slow consumer gets every change in order, merged per reader", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A);
    pcsc.plug(B);
    const events = watchCards({ pcsc });
    assert.deepEqual((await events.next()).value, { inserted: [], removed: [] });
    // three changes before the consumer looks again, each taken in by the feed on its own:
    // A in, B in (merged), then A out
    await waitingAgain(pcsc);
    pcsc.insert(A, ATR1);
    await waitingAgain(pcsc);
    pcsc.insert(B, ATR2);
    await waitingAgain(pcsc);
    pcsc.remove(A);
    await waitingAgain(pcsc);
    const first = (await events.next()).value!;
    assert.deepEqual(names(first.inserted), [`3B 02 14 50 / ${A}`, `3B 82 01 54 31 E6 / ${B}`]);
    const second = (await events.next()).value!;
    assert.deepEqual(names(second.removed), [`3B 02 14 50 / ${A}`]);
    await events.return!();
  });
});

Deno.test("watchCards with a readers filter, ended by its signal", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A);
    pcsc.plug(B);
    const controller = new AbortController();
    const events = watchCards({ readers: [B], signal: controller.signal, pcsc });
    await events.next();
    pcsc.insert(A, ATR1);
    pcsc.insert(B, ATR2);
    const { value } = await events.next();
    assert.deepEqual(names(value!.inserted), [`3B 82 01 54 31 E6 / ${B}`]);
    const pending = events.next();
    const reason = new Error("enough");
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
    assert.deepEqual(await events.next().catch((e) => e), reason);
  });
});

Deno.test("watchReaders, with the service lost and restored as values of their own", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A);
    const events = watchReaders({ pcsc });
    assert.deepEqual(names((await events.next()).value!.added), [A]);
    pcsc.stop();
    assert.equal((await events.next()).value!.service, "lost");
    pcsc.unplug(A);
    pcsc.plug(B);
    pcsc.start();
    assert.equal((await events.next()).value!.service, "restored");
    const { value } = await events.next();
    assert.deepEqual([names(value!.added), names(value!.removed)], [[B], [A]]);
    await events.return!();
  });
});

Deno.test("ten observers and ten iterators share one native wait and one context", async () => {
  await scripted({}, async (pcsc) => {
    pcsc.plug(A, ATR1);
    const monitor = new CardMonitor(pcsc);
    const observers = Array.from({ length: 10 }, recorder);
    for (const o of observers) monitor.addObserver(o);
    const iterators = Array.from({ length: 10 }, () => watchCards({ pcsc }));
    await Promise.all(iterators.map((it) => it.next()));
    await until("every observer told", () => observers.every((o) => o.updates.length === 1));
    await waitingAgain(pcsc);
    // a later change, told to every listener, gives any wait of their own its chance to start
    pcsc.remove(A);
    await Promise.all(iterators.map((it) => it.next()));
    await until("every observer told again", () => observers.every((o) => o.updates.length === 2));
    await waitingAgain(pcsc);
    assert.equal(pcsc.mostPendingWaits, 1, "never more than one wait at a time");
    assert.equal(pcsc.count("SCardEstablishContext"), 1);
    monitor.deleteObservers();
    await Promise.all(iterators.map((it) => it.return!()));
  });
});
