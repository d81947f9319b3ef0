/**
 * How much the library adds to one APDU: µs per APDU of `transmitSync`, of
 * `transmit` (awaited in a loop), of a bare nonblocking SCardTransmit loop (the floor of
 * any promise-returning binding, `bare_transmit.ts`) and of a plain C loop over the same
 * libpcsclite, pcscd, vpcd reader and virtual card.
 *
 * ```sh
 * deno run --allow-all bench/transmit.ts [--rounds=31] [--run-ms=80] [--raw]
 * ```
 *
 * Needs what the integration tests need (Linux, root, pcscd, vsmartcard-vpcd;
 * installed like `tests/run.ts` does), plus `cc` and libpcsclite-dev for the
 * C baseline (without them, one line says so and only Deno is measured). It
 * starts a private pcscd (`tests/support/stack.ts`) in a fresh temp dir,
 * inserts a T=1 test card, builds `bench/transmit_loop.c` into that dir, and
 * measures two responses: 5 bytes (`00 20 00 00 03`) and 261 bytes
 * (`00 20 00 00 00 01 03`, extended Le = 259). Both sides keep one connection
 * for the whole bench (the C program is one long-lived process, driven over
 * stdin) and warm up first. Runs are short and interleaved (C, sync, async,
 * order rotated each round) and the median of the rounds is reported, because
 * a shared 2-core VM is noisy: single runs vary by ±30 %. The targets are
 * printed, never asserted; the exit code says only whether the bench ran
 * (0), could not run here (2), failed (1) or was interrupted (130).
 * Everything it started or made is removed at the end, also after a failure
 * or Ctrl-C; the quick-ACK route stays, as after `deno task test`, since
 * other runs share it.
 *
 * @module
 */

import { CardConnection, readers } from "../mod.ts";
import { BareTransmit } from "./bare_transmit.ts";
import { type Case, CASES, median, onBenchStack } from "./bench_stack.ts";
import { buildCLoop, CLoop } from "./c_loop.ts";

type Variant = "C" | "transmitSync" | "bare async" | "transmit";
const VARIANTS: readonly Variant[] = ["C", "transmitSync", "bare async", "transmit"];
const TARGETS: Partial<Record<Variant, number>> = { transmitSync: 1.05, transmit: 1.25 };

/** Time per variant and size before anything is timed: JIT, pcscd's threads, caches. */
const WARMUP_MS = 300;
/** Untimed APDUs at the start of every run: the previous variant left other code hot. */
const RUN_WARMUP = 20;
/** Fewest APDUs in a timed run, however slow they are. */
const MIN_COUNT = 20;
/** No new round starts unless it would end within this, so the bench stays under two minutes. */
const BUDGET_MS = 75_000;
/** A C run that takes this long is stuck. */
const C_RUN_TIMEOUT_MS = 30_000;

interface Options {
  rounds: number;
  runMs: number;
  /** Also print every round's figure, to see the noise. */
  raw: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { rounds: 31, runMs: 80, raw: false };
  for (const arg of args) {
    if (arg === "--raw") {
      options.raw = true;
      continue;
    }
    const match = /^--(rounds|run-ms)=(\d+)$/.exec(arg);
    if (!match || Number(match[2]) < 1) {
      throw new Error(`unknown argument ${arg} (use --rounds=N, --run-ms=N, --raw)`);
    }
    if (match[1] === "rounds") options.rounds = Number(match[2]);
    else options.runMs = Number(match[2]);
  }
  return options;
}

/** Set by Ctrl-C or SIGTERM; checked between runs, since a sync loop cannot be interrupted. */
const interrupt = new AbortController();

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => interrupt.abort(new Error(`interrupted (${signal})`)));
  }
  return await onBenchStack(async (reader, dir) => {
    const build = await buildCLoop(dir);
    if ("unavailable" in build) console.log(`C baseline skipped: ${build.unavailable}`);
    await using cLoop = "unavailable" in build ? undefined : new CLoop(build.binary, reader);
    const results = await measure(reader, cLoop, options);
    if (options.raw) printRaw(results);
    printTable(results, cLoop !== undefined);
    return 0;
  }, (error) => {
    if (interrupt.signal.aborted) {
      console.error(`bench ${(interrupt.signal.reason as Error).message}`);
      return 130;
    }
    console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  });
}

/** Per case, per variant: µs per APDU of every round. */
type Results = Map<Case, Map<Variant, number[]>>;

async function measure(
  reader: string,
  cLoop: CLoop | undefined,
  options: Options,
): Promise<Results> {
  const found = readers().find((r) => r.name === reader);
  if (found === undefined) throw new Error(`pcscd does not list ${reader}`);
  using connection = found.createConnection();
  await connection.connect(CardConnection.T1_protocol);

  const variants = VARIANTS.filter((v) => v !== "C" || cLoop !== undefined);
  const results: Results = new Map();
  const counts = new Map<Case, number>();
  for (const c of CASES) {
    checkResponse(c, connection.transmitSync(c.apdu));
    checkResponse(c, await connection.transmit(c.apdu));
    // Counts come from the sync figure, so that runs last about runMs and
    // warm-ups about WARMUP_MS on any machine, even without the quick-ACK route.
    const perApdu = syncLoop(connection, c, MIN_COUNT);
    const warmup = Math.max(MIN_COUNT, Math.round(WARMUP_MS * 1000 / perApdu));
    syncLoop(connection, c, warmup);
    await asyncLoop(connection, c, warmup);
    await bareRun(reader, c, warmup, warmup);
    if (cLoop !== undefined) await cRun(cLoop, c, 1, warmup);
    const settled = syncLoop(connection, c, warmup);
    counts.set(c, Math.max(MIN_COUNT, Math.round(options.runMs * 1000 / settled)));
    results.set(c, new Map(variants.map((v) => [v, []])));
  }

  const deadline = Date.now() + BUDGET_MS;
  let roundMs = 0;
  for (let round = 0; round < options.rounds; round++) {
    if (Date.now() + roundMs > deadline) {
      console.log(`time budget spent: ${round} of ${options.rounds} rounds done`);
      break;
    }
    const roundStart = Date.now();
    // Rotated so that no variant always runs right after the same other one.
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const c of CASES) {
      for (const variant of order) {
        interrupt.signal.throwIfAborted();
        const count = counts.get(c)!;
        let us: number;
        if (variant === "C") {
          us = await cRun(cLoop!, c, count, RUN_WARMUP);
        } else if (variant === "bare async") {
          us = await bareRun(reader, c, RUN_WARMUP, count);
        } else if (variant === "transmitSync") {
          syncLoop(connection, c, RUN_WARMUP);
          us = syncLoop(connection, c, count);
        } else {
          await asyncLoop(connection, c, RUN_WARMUP);
          us = await asyncLoop(connection, c, count);
        }
        results.get(c)!.get(variant)!.push(us);
      }
    }
    roundMs = Date.now() - roundStart;
  }
  return results;
}

function checkResponse(c: Case, [data, sw1, sw2]: [number[], number, number]): void {
  const expected = c.responseLength - 2;
  if (sw1 !== 0x90 || sw2 !== 0x00 || data.length !== expected) {
    throw new Error(
      `${c.label}: got ${data.length} bytes and SW ${hex(sw1)}${hex(sw2)}, ` +
        `expected ${expected} bytes and 9000`,
    );
  }
}

const hex = (b: number) => b.toString(16).padStart(2, "0").toUpperCase();

/** µs per APDU over `count` transmitSync calls. */
function syncLoop(connection: CardConnection, c: Case, count: number): number {
  const apdu = c.apdu;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    // The same cheap check as the C loop makes, so neither side skips work.
    if (connection.transmitSync(apdu)[1] !== 0x90) throw new Error(`${c.label}: SW1 not 90`);
  }
  return (performance.now() - start) * 1000 / count;
}

/** µs per APDU over `count` awaited transmit calls, one at a time. */
async function asyncLoop(connection: CardConnection, c: Case, count: number): Promise<number> {
  const apdu = c.apdu;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    if ((await connection.transmit(apdu))[1] !== 0x90) throw new Error(`${c.label}: SW1 not 90`);
  }
  return (performance.now() - start) * 1000 / count;
}

/**
 * µs per APDU of the bare loop, on a handle connected for this run only: a second handle left
 * open on the reader was seen to slow the other variants' APDUs by ~10 µs.
 */
async function bareRun(reader: string, c: Case, warmup: number, count: number): Promise<number> {
  using bare = new BareTransmit(reader);
  await bare.loop(c.apdu, warmup);
  return await bare.loop(c.apdu, count);
}

function cRun(cLoop: CLoop, c: Case, count: number, warmup: number): Promise<number> {
  const run = { apdu: c.apdu, expectedLength: c.responseLength, count, warmup };
  return cLoop.run(run, C_RUN_TIMEOUT_MS, interrupt.signal);
}

function printRaw(results: Results): void {
  for (const [c, byVariant] of results) {
    for (const [variant, values] of byVariant) {
      console.log(`${c.label} ${variant}: ${values.map((us) => us.toFixed(1)).join(" ")}`);
    }
  }
}

function printTable(results: Results, withC: boolean): void {
  const header = ["response", "variant", "µs/APDU", "× C", "rounds min–max µs", "target"];
  const rows: string[][] = [];
  for (const [c, byVariant] of results) {
    const runs = [...byVariant.values()][0].length;
    if (runs === 0) continue;
    const base = withC ? median(byVariant.get("C")!) : undefined;
    for (const [variant, values] of byVariant) {
      const us = median(values);
      const ratio = base === undefined ? undefined : us / base;
      const target = TARGETS[variant];
      let targetText = target === undefined ? "" : `≤ ${target.toFixed(2)}× C`;
      if (target !== undefined && ratio !== undefined) {
        targetText += ratio <= target ? "  met" : "  missed";
      }
      rows.push([
        c.label,
        variant === "C" ? "C loop" : variant,
        us.toFixed(1),
        ratio === undefined ? "-" : `${ratio.toFixed(2)}×`,
        `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`,
        targetText,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => i >= 2 && i <= 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))
      .join("  ").trimEnd();
  const rounds = Math.max(...[...results.values()].map((m) => [...m.values()][0].length));
  console.log(`\nmedian of ${rounds} interleaved rounds per variant:`);
  console.log(line(header));
  console.log(line(header.map((_, i) => "-".repeat(widths[i]))));
  for (const row of rows) console.log(line(row));
  // transmit's own cost: what it adds to the bare nonblocking call, in the same run
  for (const [c, byVariant] of results) {
    const bare = byVariant.get("bare async");
    const ours = byVariant.get("transmit");
    if (!bare?.length || !ours?.length) continue;
    const extra = median(ours) - median(bare);
    console.log(`${c.label}: transmit - bare async = ${extra.toFixed(1)} µs (target ≤ 2 µs)`);
  }
}

if (import.meta.main) Deno.exit(await main());
