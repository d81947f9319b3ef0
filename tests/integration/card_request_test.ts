/**
 * CardRequest against the real pcscd: cards present, inserted and removed, readers filtered,
 * time-outs, aborts, and the PC/SC service restarting under a pending wait.
 */

import assert from "node:assert/strict";
import {
  ATRCardType,
  Card,
  CardRequest,
  CardRequestException,
  CardRequestTimeoutException,
  CardService,
  PassThruCardService,
} from "../../mod.ts";
import { ATR_T0, ATR_T0_T1, ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";
import { NativeCalls } from "../support/native_calls.ts";
import { until } from "../support/until.ts";

// Each test on the stack leaves both readers empty, as pcscd sees them, for the next.
const { stack, skipped, onStack } = await stackFixture({
  after: async (live) => {
    for (const reader of live.running ? live.readerNames : []) await cardPresent(reader, false);
  },
});
const [READER0, READER1] = skipped ? ["", ""] : stack.readerNames;
const live = stack;

const readerOf = (service: CardService) => service.connection.getReader().name;
const elapsed = (start: number) => performance.now() - start;

async function insert(atr: readonly number[], reader: 0 | 1 = 0) {
  if (skipped) throw new Error("no stack");
  const card = live.card({ atr, reader });
  await card.insert();
  await cardPresent(reader === 0 ? READER0 : READER1);
  return card;
}

onStack("waitforcard returns a card already present, not yet connected", async () => {
  await using _card = await insert(ATR_T1);
  using request = new CardRequest({ timeout: 5 });
  using service = await request.waitforcard();
  assert.ok(service instanceof PassThruCardService);
  assert.equal(readerOf(service), READER0);
  assert.throws(() => service.connection.getATR(), /not connected/);
  await service.connection.connect();
  assert.deepEqual(service.connection.getATR(), ATR_T1);
});

onStack("waitforcard with no card times out with CardRequestTimeoutException", async () => {
  using request = new CardRequest({ timeout: 0.3 });
  await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
});

onStack("newcardonly ignores a card present, and takes one inserted during the wait", async () => {
  await using _present = await insert(ATR_T1, 0);
  using request = new CardRequest({ newcardonly: true, timeout: 0.5 });
  await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
  using waiting = new CardRequest({ newcardonly: true, timeout: 10 });
  const pending = waiting.waitforcard();
  await using _inserted = live.card({ atr: ATR_T0, reader: 1 });
  await _inserted.insert();
  using service = await pending;
  assert.equal(readerOf(service), READER1);
});

for (const reader of [0, 1] as const) {
  onStack(`a card inserted during the wait in reader ${reader} is found`, async () => {
    using request = new CardRequest({ timeout: 10 });
    const pending = request.waitforcard();
    await using card = live.card({ atr: ATR_T1, reader });
    await card.insert();
    using service = await pending;
    assert.equal(readerOf(service), reader === 0 ? READER0 : READER1);
  });
}

onStack("the readers filter ignores a card in another reader", async () => {
  await using _other = await insert(ATR_T1, 1);
  using request = new CardRequest({ readers: [READER0], timeout: 0.5 });
  await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
  assert.deepEqual(request.getReaders().map(String), [READER0]);
  const byObject = new CardRequest({ readers: request.getReaders(), timeout: 10 });
  const pending = byObject.waitforcard();
  await using _mine = live.card({ atr: ATR_T0, reader: 0 });
  await _mine.insert();
  using service = await pending;
  assert.equal(readerOf(service), READER0);
  byObject.release();
});

onStack("ATRCardType matches with and without a mask, and refuses others", async () => {
  await using _card = await insert(ATR_T0_T1);
  const cases: [string, ATRCardType, boolean][] = [
    ["exact ATR", new ATRCardType(ATR_T0_T1), true],
    ["other ATR", new ATRCardType(ATR_T1), false],
    [
      "masked last bytes",
      new ATRCardType([...ATR_T0_T1.slice(0, 4), 0, 0, 0, 0], [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
      true,
    ],
    [
      "masked but different",
      new ATRCardType([0x3F, ...ATR_T0_T1.slice(1)], [0xFF, 0, 0, 0, 0, 0, 0, 0]),
      false,
    ],
  ];
  for (const [what, cardType, matches] of cases) {
    using request = new CardRequest({ cardType, timeout: 0.2 });
    if (matches) {
      using service = await request.waitforcard();
      assert.equal(readerOf(service), READER0, what);
    } else {
      await assert.rejects(request.waitforcard(), CardRequestTimeoutException, what);
    }
  }
});

onStack(
  "a custom service class is built for the card; one whose supports refuses never is",
  async () => {
    class ChallengeService extends CardService {
      static override supports(cardname: string): boolean {
        return cardname === "3B 82 01 54 31 E6";
      }
      async challenge(): Promise<number[]> {
        await this.connection.connect();
        return (await this.connection.transmit([0x00, 0x84, 0x00, 0x00, 0x08]))[0];
      }
    }
    class Refusing extends CardService {
      static override supports(): boolean {
        return false;
      }
    }
    await using _card = await insert(ATR_T1);
    {
      using request = new CardRequest({ cardServiceClass: ChallengeService, timeout: 2 });
      using service = await request.waitforcard() as ChallengeService;
      assert.ok(service instanceof ChallengeService);
      assert.equal(service.cardname, "3B 82 01 54 31 E6");
      assert.equal((await service.challenge()).length, 8);
    }
    using refusing = new CardRequest({ cardServiceClass: Refusing, timeout: 0.3 });
    await assert.rejects(refusing.waitforcard(), CardRequestTimeoutException);
  },
);

for (const seconds of [0, 0.5, 2]) {
  onStack(`a time-out of ${seconds} s takes that long`, async () => {
    using request = new CardRequest({ timeout: seconds, newcardonly: true });
    const start = performance.now();
    await assert.rejects(request.waitforcard(), CardRequestTimeoutException);
    const took = elapsed(start);
    assert.ok(took >= seconds * 1000 - 1, `returned early: ${took.toFixed(1)} ms`);
    assert.ok(took <= seconds * 1100 + 50, `took ${took.toFixed(1)} ms`);
  });
}

onStack("abort before the wait starts rejects at once with signal.reason", async () => {
  const reason = new Error("not wanted");
  using request = new CardRequest({ timeout: null, signal: AbortSignal.abort(reason) });
  await assert.rejects(request.waitforcard(), (e) => e === reason);
  await assert.rejects(request.waitforcardevent(), (e) => e === reason);
});

for (const when of ["early", "late"] as const) {
  onStack(`abort ${when} ends a pending wait within 100 ms with signal.reason`, async () => {
    using calls = new NativeCalls();
    const controller = new AbortController();
    using request = new CardRequest({
      timeout: null,
      newcardonly: true,
      signal: controller.signal,
    });
    const pending = request.waitforcard();
    // late: once the wait is in pcscd
    if (when === "late") await until("the wait in pcscd", () => calls.pendingWaits > 0);
    const reason = new Error(`aborted ${when}`);
    const start = performance.now();
    controller.abort(reason);
    await assert.rejects(pending, (e) => e === reason);
    assert.ok(elapsed(start) < 100, `took ${elapsed(start).toFixed(1)} ms`);
    // the signal stays aborted, so every later wait is refused the same way
    await assert.rejects(request.waitforcard(), (e) => e === reason);
  });
}

onStack("using ends a pending wait when the request goes out of scope", async () => {
  using calls = new NativeCalls();
  let pending: Promise<CardService> | undefined;
  {
    using request = new CardRequest({ timeout: null, newcardonly: true });
    pending = request.waitforcard();
    await until("the wait in pcscd", () => calls.pendingWaits > 0);
  }
  const start = performance.now();
  await assert.rejects(pending, CardRequestException);
  assert.ok(elapsed(start) < 100);
});

onStack("release ends a pending waitforcardevent and refuses new waits", async () => {
  const request = new CardRequest({ timeout: null });
  await request.waitforcardevent();
  const pending = request.waitforcardevent();
  request.release();
  await assert.rejects(pending, /released/);
  await assert.rejects(request.waitforcard(), /released/);
  request.release();
});

onStack("one wait at a time per request", async () => {
  using request = new CardRequest({ timeout: 0.3, newcardonly: true });
  const first = request.waitforcard();
  await assert.rejects(request.waitforcard(), /already pending/);
  await assert.rejects(first, CardRequestTimeoutException);
});

onStack("waitforcardevent reports the cards present, then insertions and removals", async () => {
  using request = new CardRequest({ timeout: 10 });
  await using first = await insert(ATR_T1, 0);
  let [inserted, removed] = await request.waitforcardevent();
  assert.deepEqual(inserted.map(String), [`3B 82 01 54 31 E6 / ${READER0}`]);
  assert.deepEqual(removed, []);

  await using second = live.card({ atr: ATR_T0, reader: 1 });
  await second.insert();
  [inserted, removed] = await request.waitforcardevent();
  assert.deepEqual(inserted.map(String), [`3B 02 54 30 / ${READER1}`]);
  assert.deepEqual(removed, []);

  await first.remove();
  [inserted, removed] = await request.waitforcardevent();
  assert.deepEqual(inserted, []);
  assert.deepEqual(removed.map(String), [`3B 82 01 54 31 E6 / ${READER0}`]);
  assert.ok(removed[0].equals(new Card(READER0, [...ATR_T1])));
});

onStack("waitforcardevent loses no change made between two calls", async () => {
  using request = new CardRequest({ timeout: 10 });
  assert.deepEqual(await request.waitforcardevent(), [[], []]);
  // several changes while nobody waits: in, out and in again in reader 0, in in reader 1
  await using a = await insert(ATR_T1, 0);
  await a.remove();
  await cardPresent(READER0, false);
  await using b = await insert(ATR_T0_T1, 0);
  await using _c = await insert(ATR_T0, 1);
  const [inserted, removed] = await request.waitforcardevent();
  assert.deepEqual(inserted.map(String).sort(), [
    `3B 02 54 30 / ${READER1}`,
    `3B 83 80 01 54 30 31 57 / ${READER0}`,
  ]);
  assert.deepEqual(removed, []);
  // the same card out and back in between two calls is one removal and one insertion
  await b.remove();
  await cardPresent(READER0, false);
  await b.insert();
  await cardPresent(READER0);
  const [again, gone] = await request.waitforcardevent();
  assert.deepEqual(again.map(String), [`3B 83 80 01 54 30 31 57 / ${READER0}`]);
  assert.deepEqual(gone.map(String), [`3B 83 80 01 54 30 31 57 / ${READER0}`]);
});

onStack("waitforcardevent times out when nothing changes, keeping what it knew", async () => {
  using request = new CardRequest({ timeout: 0.3 });
  await request.waitforcardevent();
  await assert.rejects(request.waitforcardevent(), CardRequestTimeoutException);
  await using _card = await insert(ATR_T1, 1);
  const [inserted] = await request.waitforcardevent();
  assert.deepEqual(inserted.map((c) => c.reader.name), [READER1]);
});

onStack("a script whose request has finished exits at once", async () => {
  await using _card = await insert(ATR_T1);
  const script = `
    import { CardRequest } from "${new URL("../../mod.ts", import.meta.url)}";
    const request = new CardRequest({ timeout: 5 });
    const service = await request.waitforcard();
    console.log(service.connection.getReader().name);
  `;
  const start = performance.now();
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(child.code, 0);
  assert.equal(new TextDecoder().decode(child.stdout).trim(), READER0);
  // a pending native call would keep it alive until the 5 s time-out or forever
  assert.ok(elapsed(start) < 4000, `took ${elapsed(start).toFixed(0)} ms`);
});

onStack("the PC/SC service restarting during a wait: a fresh context finds the card", async () => {
  using calls = new NativeCalls();
  using request = new CardRequest({ timeout: 30, newcardonly: true });
  const pending = request.waitforcard();
  await until("the wait in pcscd", () => calls.pendingWaits > 0);
  const refused = calls.failed("establishContext");
  await live.stop();
  // the request is now without a service: it must wait, not fail: refused, it tries again
  await until("two tries at the stopped service", () => {
    return calls.failed("establishContext") >= refused + 2;
  });
  await live.start();
  await using card = live.card({ atr: ATR_T1, reader: 0 });
  await card.insert();
  using service = await pending;
  assert.equal(readerOf(service), READER0);
});

onStack("a reader appearing during a wait is watched, and its card found", async () => {
  await live.restart({ readers: false });
  try {
    // newcardonly: the card counts whether the request first sees the new reader with the
    // card already in it or empty and then the card going in
    using calls = new NativeCalls();
    using request = new CardRequest({ timeout: 30, newcardonly: true });
    assert.deepEqual(request.getReaders(), []);
    const pending = request.waitforcard();
    await until("the wait in pcscd", () => calls.pendingWaits > 0);
    await live.restart({ readers: true });
    await using card = live.card({ atr: ATR_T0, reader: 1 });
    await card.insert();
    using service = await pending;
    assert.equal(readerOf(service), READER1);
  } finally {
    if (!live.running || live.readerNames.length === 0) await live.restart({ readers: true });
  }
});

onStack("a card whose reader goes with a restart of the service is reported removed", async () => {
  using request = new CardRequest({ timeout: 20 });
  {
    await using _card = await insert(ATR_T1, 0);
    assert.deepEqual((await request.waitforcardevent())[0].map(String), [
      `3B 82 01 54 31 E6 / ${READER0}`,
    ]);
    try {
      using calls = new NativeCalls();
      const pending = request.waitforcardevent();
      await until("the wait in pcscd", () => calls.pendingWaits > 0);
      await live.restart({ readers: false });
      const started = performance.now();
      const [inserted, removed] = await pending;
      assert.deepEqual(inserted, []);
      assert.deepEqual(removed.map(String), [`3B 82 01 54 31 E6 / ${READER0}`]);
      // on the next wake-up after the service is back, not at the 20 s time-out
      assert.ok(elapsed(started) < 5000, `took ${elapsed(started).toFixed(0)} ms`);
    } finally {
      await live.restart({ readers: true });
    }
  }
  await using again = live.card({ atr: ATR_T0, reader: 1 });
  await again.insert();
  const [inserted, removed] = await request.waitforcardevent();
  assert.deepEqual(inserted.map(String), [`3B 02 54 30 / ${READER1}`]);
  assert.deepEqual(removed, []);
});
