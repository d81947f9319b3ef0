/**
 * Card and reader monitors, and their async iterables, on the real pcscd with virtual cards:
 * insertions and removals in two readers, several listeners at once, `break`, a restart
 * under a monitor, a reader appearing, and the three examples run as written.
 */

import assert from "node:assert/strict";
import {
  type Card,
  CardMonitor,
  type CardObserver,
  type Reader,
  ReaderMonitor,
  watchCards,
  watchReaders,
} from "../../mod.ts";
import { ATR_T0, ATR_T1 } from "../cards/atrs.ts";
import { feedOf } from "../../src/pcsc/reader_feed.ts";
import { SYSTEM_PCSC } from "../../src/pcsc/native_pcsc.ts";
import { stackFixture } from "../support/fixture.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { OutputLines } from "../support/output_lines.ts";
import { until } from "../support/until.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0, READER1] = skipped ? ["", ""] : stack.readerNames;
const T1 = "3B 82 01 54 31 E6";
const T0 = "3B 02 54 30";

/** Records each update as "+card" and "-card" strings. */
function recorder(): CardObserver & { updates: string[][]; service: boolean[] } {
  const updates: string[][] = [];
  const service: boolean[] = [];
  return {
    updates,
    service,
    update(_monitor, [added, removed]: [Card[], Card[]]) {
      updates.push([...removed.map((c) => `-${c}`), ...added.map((c) => `+${c}`)]);
    },
    serviceChanged: (_monitor, available) => void service.push(available),
  };
}

onStack("CardMonitor: insert and remove in each of two readers", async () => {
  const monitor = new CardMonitor();
  const observer = recorder();
  monitor.addObserver(observer);
  try {
    await until("the first update", () => observer.updates.length === 1);
    assert.deepEqual(observer.updates[0], []);
    await using first = stack.card({ atr: ATR_T1, reader: 0 });
    await first.insert();
    await until("the card in reader 0", () => observer.updates.length === 2);
    await using second = stack.card({ atr: ATR_T0, reader: 1 });
    await second.insert();
    await until("the card in reader 1", () => observer.updates.length === 3);
    await first.remove();
    await until("reader 0's card out", () => observer.updates.length === 4);
    await second.remove();
    await until("reader 1's card out", () => observer.updates.length === 5);
    assert.deepEqual(observer.updates.slice(1), [
      [`+${T1} / ${READER0}`],
      [`+${T0} / ${READER1}`],
      [`-${T1} / ${READER0}`],
      [`-${T0} / ${READER1}`],
    ]);
  } finally {
    monitor.deleteObserver(observer);
    await feedOf(SYSTEM_PCSC).idle();
  }
});

onStack("two observers and two iterators at once, on one wait; break ends it", async () => {
  const monitor = new CardMonitor();
  const observers = [recorder(), recorder()];
  for (const o of observers) monitor.addObserver(o);
  const iterators = [watchCards(), watchCards({ readers: [READER1] })];
  try {
    await Promise.all(iterators.map((it) => it.next()));
    await using card = stack.card({ atr: ATR_T0, reader: 1 });
    await card.insert();
    for (const it of iterators) {
      const { value } = await it.next();
      assert.deepEqual(value!.inserted.map(String), [`${T0} / ${READER1}`]);
    }
    await until("both observers", () => observers.every((o) => o.updates.length === 2));
    await card.remove();
    await cardPresent(READER1, false);
  } finally {
    monitor.deleteObservers();
    for (const it of iterators) await it.return!();
    await feedOf(SYSTEM_PCSC).idle();
  }
});

onStack("break out of for await: a script ends at once, nothing left pending", async () => {
  await using card = stack.card({ atr: ATR_T1, reader: 0 });
  await card.insert();
  await cardPresent(READER0);
  const script = `
    import { watchCards } from "${new URL("../../mod.ts", import.meta.url)}";
    for await (const { inserted } of watchCards()) {
      console.log(inserted.map(String).join());
      break;
    }
  `;
  const started = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(child.code, 0);
  assert.equal(new TextDecoder().decode(child.stdout).trim(), `${T1} / ${READER0}`);
  // a native wait left pending would keep the process alive
  assert.ok(performance.now() - started < 5000);
  await card.remove();
  await cardPresent(READER0, false);
});

onStack("the service restarting under a monitor: told, and it carries on", async () => {
  await using card = stack.card({ atr: ATR_T1, reader: 0 });
  await card.insert();
  await cardPresent(READER0);
  const monitor = new CardMonitor();
  const observer = recorder();
  monitor.addObserver(observer);
  try {
    await until("the first update", () => observer.updates.length === 1);
    assert.deepEqual(observer.updates[0], [`+${T1} / ${READER0}`]);
    // vpcd lives in pcscd: a restart drops the virtual card, which is put back at once
    await stack.restart();
    await card.remove();
    await card.insert();
    await until("the service back", () => observer.service.length === 2);
    assert.deepEqual(observer.service, [false, true]);
    await cardPresent(READER0);
    // a card put in reader 1 after that, once reported, shows the monitor has caught up
    await using later = stack.card({ atr: ATR_T0, reader: 1 });
    await later.insert();
    await until(
      "the card in reader 1",
      () => observer.updates.flat().includes(`+${T0} / ${READER1}`),
    );
    // Whether the new daemon's first look came before the card was back or after, the story
    // the monitor tells is consistent: the card ends up present, and is never reported in
    // twice without a removal between (the card still there after a restart is not new).
    let present = false;
    for (const update of observer.updates) {
      for (const change of update.filter((c) => c.endsWith(READER0))) {
        assert.equal(change.startsWith("+"), !present, JSON.stringify(observer.updates));
        present = change.startsWith("+");
      }
    }
    assert.ok(present, JSON.stringify(observer.updates));
    await later.remove();
    await cardPresent(READER1, false);
  } finally {
    monitor.deleteObserver(observer);
    await feedOf(SYSTEM_PCSC).idle();
  }
});

onStack(
  "a reader appearing (a restart from an empty configuration) is reported added",
  async () => {
    await stack.restart({ readers: false });
    const events = watchReaders();
    const monitor = new ReaderMonitor();
    const log: string[][] = [];
    monitor.addObserver({
      update: (_m, [added, removed]: [Reader[], Reader[]]) =>
        void log.push([...removed.map((r) => `-${r}`), ...added.map((r) => `+${r}`)]),
    });
    try {
      assert.deepEqual((await events.next()).value, { added: [], removed: [] });
      await stack.restart({ readers: true });
      let value = (await events.next()).value!;
      while (value.service) value = (await events.next()).value!;
      assert.deepEqual(value.added.map(String), [READER0, READER1]);
      await until("the observer", () => log.some((u) => u.length === 2));
      assert.deepEqual(log.at(-1), [`+${READER0}`, `+${READER1}`]);
    } finally {
      monitor.deleteObservers();
      await events.return!();
      if (!stack.running || stack.readerNames.length === 0) await stack.restart({ readers: true });
    }
  },
);

async function runExample(
  file: string,
  seconds: number,
  during: (output: OutputLines) => Promise<void>,
) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      "--allow-env",
      new URL(`../../examples/${file}`, import.meta.url).pathname,
      String(seconds),
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = new OutputLines(child.stdout);
  const errors = new Response(child.stderr).text();
  await during(output);
  const [{ code }, text] = await Promise.all([child.status, output.text()]);
  assert.equal(code, 0, text + await errors);
  return text;
}

onStack("examples/card_monitor.ts shows readers and cards with time stamps", async () => {
  const text = await runExample("card_monitor.ts", 4, async (output) => {
    // its first line: the monitors are running
    await output.line(/reader \+/);
    await using card = stack.card({ atr: ATR_T1, reader: 1 });
    await card.insert();
    await output.line(/card +\+/);
    await card.remove();
    await output.line(/card +-/);
    await cardPresent(READER1, false);
  });
  const stamp = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
  assert.match(text, new RegExp(`^${stamp}  reader \\+  ${READER0}$`, "m"));
  assert.match(text, new RegExp(`^${stamp}  card   \\+  ${T1} / ${READER1}$`, "m"));
  assert.match(text, new RegExp(`^${stamp}  card   -  ${T1} / ${READER1}$`, "m"));
  assert.match(text, new RegExp(`^${stamp}  done$`, "m"));
});

onStack("examples/reader_monitor.ts lists the readers", async () => {
  const text = await runExample("reader_monitor.ts", 1, () => Promise.resolve());
  assert.match(text, new RegExp(`^added: \\[${READER0}, ${READER1}\\]  removed: \\[\\]$`, "m"));
});

onStack("examples/watch_cards.ts reports insertions and removals with for await", async () => {
  const text = await runExample("watch_cards.ts", 4, async (output) => {
    // with no card in, it prints nothing: a card in reader 1, once told, shows it is watching
    await using first = stack.card({ atr: ATR_T1, reader: 1 });
    await first.insert();
    await output.line(new RegExp(`^inserted .* / ${READER1}$`));
    await using card = stack.card({ atr: ATR_T0, reader: 0 });
    await card.insert();
    await output.line(new RegExp(`^inserted ${T0} / ${READER0}$`));
    await card.remove();
    await output.line(/^removed /);
    await first.remove();
    await cardPresent(READER1, false);
    await cardPresent(READER0, false);
  });
  assert.match(text, new RegExp(`^inserted ${T0} / ${READER0}$`, "m"));
  assert.match(text, new RegExp(`^removed  ${T0} / ${READER0}$`, "m"));
  assert.match(text, /^done$/m);
});
