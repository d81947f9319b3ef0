/**
 * How fast a waiting CardRequest sees a card, and what an idle wait costs.
 *
 * `deno run --allow-all bench/card_request.ts` (as root on Debian: it brings up the private
 * pcscd and virtual reader of the tests).
 *
 * - latency: from a virtual card's insertion (its connection to the reader accepted) to
 *   `waitforcard` resolving, over several insertions. pcscd notices a vpcd card by polling
 *   the driver, so most of this is pcscd's, and a native program waits as long.
 * - idle cost: the CPU time (user + system) this process spends during a 10-second
 *   `waitforcard` that no card ends, against the same 10 seconds of a plain timer.
 *
 * @module
 */

import { cpuUsage } from "node:process";
import { CardRequest, CardRequestTimeoutException } from "../mod.ts";
import { ATR_T1 } from "../tests/cards/atrs.ts";
import { cleanUp, prepareMachine } from "../tests/support/machine.ts";
import { cardPresent } from "../src/testing/presence.ts";
import { ensureQuickAckRoute, removeQuickAckRoute } from "../tests/support/quick_ack.ts";
import { startStack } from "../tests/support/stack.ts";

const ROUNDS = 10;
const IDLE_SECONDS = 10;

function cpuMs(run: () => Promise<void>): Promise<number> {
  const before = cpuUsage();
  return run().then(() => {
    const used = cpuUsage(before);
    return (used.user + used.system) / 1000;
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "pcsc-bench-" });
  let routeAdded = false;
  try {
    if (!await prepareMachine()) Deno.exit(1);
    routeAdded = (await ensureQuickAckRoute()).added;
    Deno.env.set("PCSC_TEST_DIR", dir);
    const stack = await startStack();
    if ("skipped" in stack) {
      console.log(`cannot run: ${stack.skipped}`);
      // Deno.exit skips the finally below
      if (routeAdded) await removeQuickAckRoute();
      Deno.exit(1);
    }
    await using _stack = stack;
    const reader = stack.readerNames[0];

    const latencies: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      await using card = stack.card({ atr: ATR_T1, reader: 0 });
      using request = new CardRequest({ readers: [reader], newcardonly: true, timeout: 10 });
      const pending = request.waitforcard();
      // let the wait reach the service before the card goes in
      await new Promise((resolve) => setTimeout(resolve, 100));
      await card.insert();
      const inserted = performance.now();
      using _service = await pending;
      latencies.push(performance.now() - inserted);
      await card.remove();
      await cardPresent(reader, false);
    }
    console.log(
      `insertion -> waitforcard: median ${median(latencies).toFixed(1)} ms, ` +
        `min ${Math.min(...latencies).toFixed(1)} ms, max ${
          Math.max(...latencies).toFixed(1)
        } ms ` +
        `(${ROUNDS} insertions)`,
    );

    const idle = await cpuMs(async () => {
      using request = new CardRequest({ newcardonly: true, timeout: IDLE_SECONDS });
      await request.waitforcard().catch((e) => {
        if (!(e instanceof CardRequestTimeoutException)) throw e;
      });
    });
    const timer = await cpuMs(() =>
      new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000))
    );
    console.log(
      `CPU during a ${IDLE_SECONDS} s idle waitforcard: ${idle.toFixed(1)} ms ` +
        `(a plain ${IDLE_SECONDS} s timer: ${timer.toFixed(1)} ms)`,
    );
  } finally {
    await cleanUp(dir);
    if (routeAdded) await removeQuickAckRoute();
  }
}
