/**
 * What the transmit benches share: the two responses they time, a median, and the stack they
 * run on (the tests' private pcscd and a T=1 test card in its first reader), set up and torn
 * down the same way, everything removed at the end, also after a failure.
 *
 * @module
 */

import { ATR_T1 } from "../tests/cards/atrs.ts";
import { cleanUp, prepareMachine } from "../tests/support/machine.ts";
import { cardPresent } from "../src/testing/presence.ts";
import { ensureQuickAckRoute, removeQuickAckRoute } from "../tests/support/quick_ack.ts";
import { type PcscStack, startStack } from "../tests/support/stack.ts";
import type { VirtualCard } from "../tests/support/virtual_card.ts";

/** One response size under test. */
export interface Case {
  readonly label: string;
  readonly apdu: readonly number[];
  /** data + SW1 SW2 */
  readonly responseLength: number;
}

/** 5 bytes (`00 20 00 00 03`) and 261 bytes (`00 20 00 00 00 01 03`, extended Le = 259). */
export const CASES: readonly Case[] = [
  { label: "5 B", apdu: [0x00, 0x20, 0x00, 0x00, 0x03], responseLength: 5 },
  { label: "261 B", apdu: [0x00, 0x20, 0x00, 0x00, 0x00, 0x01, 0x03], responseLength: 261 },
];

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `bench(reader, dir)` on a private pcscd with the test card inserted in its first
 * reader; gives its exit code, 2 where the stack cannot run here, 1 when it throws (`failed`
 * may word the error otherwise, e.g. for an interrupt).
 */
export async function onBenchStack(
  bench: (reader: string, dir: string) => Promise<number>,
  failed: (error: unknown) => number = (error) => {
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  },
): Promise<number> {
  const dir = await Deno.makeTempDir({ prefix: "pcsc-bench-" });
  let stack: PcscStack | undefined;
  let card: VirtualCard | undefined;
  let routeAdded = false;
  try {
    // startStack reads these. The socket name is set here too so that one left in the
    // caller's environment cannot point the bench elsewhere; libpcsclite caches it at its
    // first call, which comes later (cardPresent).
    Deno.env.set("PCSC_TEST_DIR", dir);
    Deno.env.set("PCSCLITE_CSOCK_NAME", `${dir}/run/pcscd.comm`);
    // As tests/run.ts: the packages, then the quick-ACK route, when this machine allows
    // (Linux, root); otherwise startStack says what is missing.
    if (await prepareMachine()) {
      const { added, why } = await ensureQuickAckRoute();
      routeAdded = added;
      if (why) console.log(`note: the card uses 127.0.0.1, ~40 ms per APDU: ${why}`);
    }
    const started = await startStack();
    if ("skipped" in started) {
      console.log(`cannot bench: ${started.skipped}`);
      return 2;
    }
    stack = started;
    const reader = stack.readerNames[0];
    card = stack.card({ atr: ATR_T1, reader: 0 });
    await card.insert();
    await cardPresent(reader);
    return await bench(reader, dir);
  } catch (error) {
    return failed(error);
  } finally {
    const steps: [string, () => Promise<void> | undefined][] = [
      ["remove the card", () => card?.[Symbol.asyncDispose]()],
      ["stop pcscd", () => stack?.stop()],
      // kills a daemon a failed stop left, and removes the dir
      ["clean up the temp dir", () => cleanUp(dir)],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        console.error(`cleanup: could not ${what}: ${error}`);
      }
    }
    if (routeAdded) await removeQuickAckRoute();
  }
}
