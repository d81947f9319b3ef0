/**
 * Card and reader identity on the real stack: the same card in the same reader is the same
 * `Card` in a monitor's insertion and removal, in `waitforcardevent`'s results, and the same
 * reader the same `Reader` in `readers()` and in the monitors' updates, so that `includes`
 * finds them as pyscard's `in` does.
 */

import assert from "node:assert/strict";
import {
  type Card,
  CardMonitor,
  CardRequest,
  type Reader,
  ReaderMonitor,
  readers,
} from "../../mod.ts";
import { ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";

const { stack: live, onStack } = await stackFixture();

/** Resolves with the next `[added, removed]` an observer of `monitor` gets that `accept`s. */
function nextUpdate<T>(
  monitor: CardMonitor | ReaderMonitor,
  accept: (added: T[], removed: T[]) => boolean,
): Promise<[T[], T[]]> {
  return new Promise((resolve) => {
    const observer = {
      update(_m: unknown, [added, removed]: [T[], T[]]) {
        if (!accept(added, removed)) return;
        (monitor as CardMonitor).deleteObserver(observer as never);
        resolve([added, removed]);
      },
    };
    (monitor as CardMonitor).addObserver(observer as never);
  });
}

onStack("the same card is one Card in monitors, requests and their removals", async () => {
  const reader = live.readerNames[0];
  using request = new CardRequest({ timeout: 10, readers: [reader] });
  const [present] = await request.waitforcardevent();
  assert.deepEqual(present, []);
  using monitor = new CardMonitor();
  const inserted = nextUpdate<Card>(monitor, (added) => added.length > 0);
  await using card = live.card({ atr: ATR_T1, reader: 0 });
  await card.insert();
  await cardPresent(reader);
  const [[fromMonitor]] = await inserted;
  const [[fromRequest]] = await request.waitforcardevent();
  assert.equal(fromRequest, fromMonitor);
  const removed = nextUpdate<Card>(monitor, (_added, gone) => gone.length > 0);
  await card.remove();
  const [, [goneFromMonitor]] = await removed;
  const [, [goneFromRequest]] = await request.waitforcardevent();
  assert.equal(goneFromMonitor, fromMonitor);
  assert.equal(goneFromRequest, fromMonitor);
  assert.ok([fromRequest].includes(goneFromMonitor));
});

onStack("the same reader is one Reader in readers() and in a monitor's update", async () => {
  const first = readers();
  const second = readers();
  assert.equal(first.length, 2);
  first.forEach((reader, i) => assert.equal(second[i], reader));
  using monitor = new ReaderMonitor();
  const [added] = await nextUpdate<Reader>(monitor, (added) => added.length > 0);
  for (const reader of added) assert.ok(first.includes(reader), reader.name);
});

onStack("identity tests: stop the daemon (cleanup)", () => live[Symbol.asyncDispose]());
