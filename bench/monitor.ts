/**
 * What watching costs: how long after a native waiter a monitor and an iterator hear of an
 * insertion, what an idle monitor burns, and how many native waits many listeners make.
 *
 * `deno run --allow-all bench/monitor.ts` (as root on Debian: it brings up the private pcscd
 * and virtual reader of the tests, and builds `bench/wait_loop.c`).
 *
 * - latency: a virtual card goes in and out ROUNDS times. `wait_loop` (C, its own process,
 *   a blocking SCardGetStatusChange) prints a line the moment it is woken; the time that line
 *   arrives here is paired with the time a CardMonitor observer's `update` and a `watchCards`
 *   iterator's value arrive. The figures are what the monitor adds after the service's notice
 *   has reached a native waiter (the pipe from C adds a little to C's side).
 * - idle CPU: this process's CPU during 10 s of an attached monitor that nothing wakes,
 *   against a plain 10 s timer in the same run.
 * - native waits: pcscd's threads (one per client context) with no listener, one, and ten
 *   observers plus ten iterators.
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { CardMonitor, watchCards } from "../mod.ts";
import { feedOf } from "../src/pcsc/reader_feed.ts";
import { SYSTEM_PCSC } from "../src/pcsc/native_pcsc.ts";
import { ATR_T1 } from "../tests/cards/atrs.ts";
import { cleanUp, prepareMachine } from "../tests/support/machine.ts";
import { cardPresent } from "../src/testing/presence.ts";
import { ensureQuickAckRoute, removeQuickAckRoute } from "../tests/support/quick_ack.ts";
import { startStack } from "../tests/support/stack.ts";
import { buildProgram, readLines } from "./c_loop.ts";

const ROUNDS = 10;
const IDLE_SECONDS = 10;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs: number[]) =>
  `median ${median(xs).toFixed(2)} ms (min ${Math.min(...xs).toFixed(2)}, max ${
    Math.max(...xs).toFixed(2)
  })`;

/** Resolves at the first time `check` holds, polled every ms. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

/** pcscd's threads: its main ones, plus one per client context. */
async function pcscdThreads(dir: string): Promise<number> {
  let threads = 0;
  for await (const { name } of Deno.readDir(`${dir}/pids`)) {
    threads += (await Array.fromAsync(Deno.readDir(`/proc/${name}/task`))).length;
  }
  return threads;
}

async function cpuMs(run: () => Promise<void>): Promise<number> {
  const before = cpuUsage();
  await run();
  const used = cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function main(dir: string): Promise<number> {
  const stack = await startStack();
  if ("skipped" in stack) {
    console.log(`cannot run: ${stack.skipped}`);
    return 2;
  }
  await using _stack = stack;
  const reader = stack.readerNames[0];
  const build = await buildProgram("wait_loop", dir);
  if ("unavailable" in build) {
    console.log(`cannot run: ${build.unavailable}`);
    return 2;
  }

  // ----- latency -----
  const waiter = new Deno.Command(build.binary, {
    args: [reader],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { PCSCLITE_CSOCK_NAME: Deno.env.get("PCSCLITE_CSOCK_NAME")! },
  }).spawn();
  const seenByC: { line: string; at: number }[] = [];
  const cLines = (async () => {
    for await (const line of readLines(waiter.stdout)) {
      seenByC.push({ line, at: performance.now() });
    }
  })();
  await until(() => seenByC.some((s) => s.line === "ready"), "the C waiter");

  const byObserver: number[] = [];
  const monitor = new CardMonitor();
  const observer = {
    update(_m: CardMonitor, [added]: [unknown[], unknown[]]) {
      if (added.length) byObserver.push(performance.now());
    },
  };
  monitor.addObserver(observer);
  const byIterator: number[] = [];
  const events = watchCards();
  const iterating = (async () => {
    for await (const { inserted } of events) {
      if (inserted.length) byIterator.push(performance.now());
    }
  })();
  await new Promise((resolve) => setTimeout(resolve, 300));

  const observerLag: number[] = [];
  const iteratorLag: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await using card = stack.card({ atr: ATR_T1, reader: 0 });
    const before = { c: seenByC.length, o: byObserver.length, it: byIterator.length };
    await card.insert();
    await until(
      () =>
        seenByC.length > before.c && byObserver.length > before.o &&
        byIterator.length > before.it,
      "the insertion",
    );
    const c = seenByC[before.c];
    if (c.line !== "present") throw new Error(`C saw ${c.line}`);
    observerLag.push(byObserver[before.o] - c.at);
    iteratorLag.push(byIterator[before.it] - c.at);
    await card.remove();
    await cardPresent(reader, false);
    await until(() => seenByC.at(-1)?.line === "empty", "the removal");
  }
  console.log(`insertion, after the C waiter: observer.update ${ms(observerLag)}`);
  console.log(`insertion, after the C waiter: watchCards value ${ms(iteratorLag)}`);
  await waiter.stdin.close();
  await waiter.status;
  await cLines;

  // ----- idle CPU, with the monitor and iterator still attached -----
  const sleep = () => new Promise<void>((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const idle = await cpuMs(sleep);
  monitor.deleteObserver(observer);
  await events.return!();
  await iterating;
  await feedOf(SYSTEM_PCSC).idle();
  const timer = await cpuMs(sleep);
  console.log(
    `CPU over ${IDLE_SECONDS} s with a monitor and an iterator idle: ${idle.toFixed(1)} ms ` +
      `(a plain ${IDLE_SECONDS} s timer in the same run: ${timer.toFixed(1)} ms)`,
  );

  // ----- native waits -----
  const none = await pcscdThreads(dir);
  const one = new CardMonitor();
  const first = { update() {} };
  one.addObserver(first);
  await new Promise((resolve) => setTimeout(resolve, 300));
  const withOne = await pcscdThreads(dir);
  const observers = Array.from({ length: 10 }, () => ({ update() {} }));
  for (const o of observers) one.addObserver(o);
  const iterators = Array.from({ length: 10 }, () => watchCards());
  await Promise.all(iterators.map((it) => it.next()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  const withTwenty = await pcscdThreads(dir);
  one.deleteObservers();
  await Promise.all(iterators.map((it) => it.return!()));
  await feedOf(SYSTEM_PCSC).idle();
  console.log(
    `pcscd threads: ${none} with no listener, ${withOne} with one observer, ` +
      `${withTwenty} with 11 observers and 10 iterators (one context, one wait, for all)`,
  );
  return 0;
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "pcsc-bench-" });
  let routeAdded = false;
  let code = 1;
  try {
    if (!await prepareMachine()) Deno.exit(2);
    routeAdded = (await ensureQuickAckRoute()).added;
    Deno.env.set("PCSC_TEST_DIR", dir);
    Deno.env.set("PCSCLITE_CSOCK_NAME", `${dir}/run/pcscd.comm`);
    code = await main(dir);
  } finally {
    if (routeAdded) await removeQuickAckRoute();
    await cleanUp(dir);
  }
  Deno.exit(code);
}
