/**
 * What the Web Smart Card API facade adds to one APDU: µs per APDU of its
 * `SmartCardConnection.transmit` against the pyscard facade's `CardConnection.transmit`,
 * both awaited in a loop, paired in one run over the same pcscd, reader and card.
 *
 * ```sh
 * deno run --allow-all bench/web_transmit.ts [--rounds=40] [--block=100] [--raw]
 * ```
 *
 * Needs what the integration tests need (Linux, root, pcscd, vsmartcard-vpcd; installed like
 * `tests/run.ts` does). It starts a private pcscd (`tests/support/stack.ts`) in a fresh temp
 * dir, inserts a T=1 test card, and opens one connection through each facade for the whole
 * bench (so each APDU meets the same two open handles). The APDUs are paired one by one: one
 * through each facade, each timed, the order alternating pair by pair; the figure is the
 * median over all pairs of the difference within a pair, since a shared 2-core VM drifts by
 * far more than the difference between two APDUs in a row. Rounds of pairs are printed with
 * `--raw`, to see the spread. Two responses: 5 bytes
 * (`00 20 00 00 03`) and 261 bytes (`00 20 00 00 00 01 03`). The target (≤ 2 µs) is printed,
 * never asserted; the exit code says only whether the bench ran (0), could not run here (2)
 * or failed (1). Everything it started is removed at the end.
 *
 * @module
 */

import { CardConnection, readers } from "../mod.ts";
import { smartCard, type SmartCardConnection } from "../src/web/mod.ts";
import { type Case, CASES, median, onBenchStack } from "./bench_stack.ts";

/** The most the facade may add to an APDU, in µs. */
const TARGET_US = 2;
/** Pairs of APDUs before anything is timed. */
const WARMUP = 300;

interface Options {
  rounds: number;
  block: number;
  raw: boolean;
}

function parseOptions(args: readonly string[]): Options {
  const options: Options = { rounds: 40, block: 100, raw: false };
  for (const arg of args) {
    if (arg === "--raw") {
      options.raw = true;
      continue;
    }
    const match = /^--(rounds|block)=(\d+)$/.exec(arg);
    if (!match || Number(match[2]) < 1) {
      throw new Error(`unknown argument ${arg} (use --rounds=N, --block=N, --raw)`);
    }
    options[match[1] as "rounds" | "block"] = Number(match[2]);
  }
  return options;
}

/** The two facades' connections to the same card, and the command in each one's form. */
interface Pair {
  readonly pyscard: CardConnection;
  readonly web: SmartCardConnection;
}

/**
 * `count` pairs of APDUs, one through each facade, each timed; the order alternates pair by
 * pair. Gives the µs of every web APDU and every pyscard APDU, in pair order.
 */
async function pairs(pair: Pair, c: Case, count: number): Promise<[number[], number[]]> {
  const { pyscard, web } = pair;
  const apdu = c.apdu;
  // what a browser developer passes: a Uint8Array made once
  const bytes = Uint8Array.from(apdu);
  const sw1At = c.responseLength - 2;
  const webTimes: number[] = [];
  const pyscardTimes: number[] = [];
  const viaWeb = async (): Promise<number> => {
    const start = performance.now();
    const response = new Uint8Array(await web.transmit(bytes));
    const us = (performance.now() - start) * 1000;
    if (response[sw1At] !== 0x90) throw new Error(`${c.label}: SW1 not 90`);
    return us;
  };
  const viaPyscard = async (): Promise<number> => {
    const start = performance.now();
    const [, sw1] = await pyscard.transmit(apdu);
    const us = (performance.now() - start) * 1000;
    if (sw1 !== 0x90) throw new Error(`${c.label}: SW1 not 90`);
    return us;
  };
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      webTimes.push(await viaWeb());
      pyscardTimes.push(await viaPyscard());
    } else {
      pyscardTimes.push(await viaPyscard());
      webTimes.push(await viaWeb());
    }
  }
  return [webTimes, pyscardTimes];
}

interface Figures {
  readonly web: number[];
  readonly pyscard: number[];
  /** web - pyscard, per pair */
  readonly difference: number[];
  /** the median difference of each round, for --raw */
  readonly rounds: number[];
}

async function measure(reader: string, options: Options): Promise<Map<Case, Figures>> {
  const found = readers().find((r) => r.name === reader);
  if (found === undefined) throw new Error(`pcscd does not list ${reader}`);
  using pyscard = found.createConnection();
  await pyscard.connect(CardConnection.T1_protocol);
  const context = await smartCard.establishContext();
  const { connection: web } = await context.connect(reader, "shared", {
    preferredProtocols: ["t1"],
  });
  try {
    const results = new Map<Case, Figures>();
    for (const c of CASES) {
      const [data] = await pyscard.transmit(c.apdu);
      const response = await web.transmit(Uint8Array.from(c.apdu));
      if (data.length + 2 !== c.responseLength || response.byteLength !== c.responseLength) {
        throw new Error(`${c.label}: unexpected response length`);
      }
      const pair = { pyscard, web };
      await pairs(pair, c, WARMUP);
      const figures: Figures = { web: [], pyscard: [], difference: [], rounds: [] };
      for (let round = 0; round < options.rounds; round++) {
        const [w, p] = await pairs(pair, c, options.block);
        const difference = w.map((us, i) => us - p[i]);
        figures.web.push(...w);
        figures.pyscard.push(...p);
        figures.difference.push(...difference);
        figures.rounds.push(median(difference));
      }
      results.set(c, figures);
    }
    return results;
  } finally {
    await web.disconnect();
  }
}

function print(results: Map<Case, Figures>, options: Options): void {
  const count = options.rounds * options.block;
  console.log(
    `\nmedian of ${count} pairs of APDUs (${options.rounds} rounds of ${options.block}):`,
  );
  console.log("response  web µs/APDU  pyscard µs/APDU  web - pyscard  target");
  for (const [c, f] of results) {
    const difference = median(f.difference);
    console.log(
      [
        c.label.padEnd(8),
        median(f.web).toFixed(1).padStart(11),
        median(f.pyscard).toFixed(1).padStart(16),
        `${difference >= 0 ? "+" : ""}${difference.toFixed(1)} µs`.padStart(14),
        ` ≤ ${TARGET_US} µs  ${difference <= TARGET_US ? "met" : "missed"}`,
      ].join("  "),
    );
    if (options.raw) {
      console.log(`  rounds' medians: ${f.rounds.map((d) => d.toFixed(1)).join(" ")}`);
    }
  }
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(Deno.args);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  return await onBenchStack(async (reader) => {
    print(await measure(reader, options), options);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main());
