/**
 * The card utility's commands: list, watch, atr, send, script.
 *
 * @module
 */

import { CardMonitor, CommandAPDU, identifyAtr, ReaderMonitor } from "../../mod.ts";
import { explainAtr, explanationLines } from "./atr_explain.ts";
import { exchange, type Exchanged, openConnection } from "./send_apdu.ts";
import { type Invocation, UsageError } from "./options.ts";
import { hex, type Output, parseHex } from "./output.ts";
import { lookAtReaders } from "./readers.ts";

/** A command: its exit code (0 ok, 1 a failure it reported itself). */
export type Command = (call: Invocation, out: Output) => Promise<number>;

/** `list`: every reader, its card state and ATR. */
export async function list(call: Invocation, out: Output): Promise<number> {
  noArgs(call);
  const looks = await lookAtReaders();
  const found = looks.map((l) => l.atr.length ? identifyAtr([...l.atr]) : null);
  out.object({
    readers: looks.map((l, i) => ({
      ...l,
      atr: l.atr.length ? hex([...l.atr]) : null,
      names: found[i]?.names ?? [],
    })),
  });
  if (looks.length === 0) out.line("no reader");
  looks.forEach((l, i) => {
    const state = l.state === "card"
      ? out.good("card ")
      : l.state === "mute"
      ? out.bad("mute ")
      : "empty";
    out.line(`${l.index}  ${l.name}  ${state}${l.atr.length ? `  ${hex([...l.atr])}` : ""}`);
    for (const name of found[i]?.names ?? []) out.line(`     ${name}`);
  });
  const hint = found.find((f) => f?.hint)?.hint;
  if (hint) out.line(out.dim(hint));
  return 0;
}

/** `watch`: readers and cards coming and going until Ctrl-C (SIGINT) or SIGTERM. */
export async function watch(call: Invocation, out: Output): Promise<number> {
  noArgs(call);
  const stamp = () => new Date().toISOString();
  const event = (name: string, fields: Record<string, unknown>, text: string) => {
    const time = stamp();
    out.object({ time, event: name, ...fields });
    out.line(`${out.dim(time.slice(11, 23))}  ${text}`);
  };
  const readers = new ReaderMonitor();
  const cards = new CardMonitor();
  const readerObserver = {
    update(_m: ReaderMonitor, [added, removed]: [{ name: string }[], { name: string }[]]) {
      for (const r of added) {
        event("reader-added", { reader: r.name }, `${out.good("+ reader")} ${r.name}`);
      }
      for (const r of removed) {
        event("reader-removed", { reader: r.name }, `${out.bad("- reader")} ${r.name}`);
      }
    },
    serviceChanged(_m: ReaderMonitor, available: boolean) {
      event(
        available ? "service-restored" : "service-lost",
        {},
        `PC/SC service ${available ? "back" : "lost"}`,
      );
    },
  };
  const cardObserver = {
    update(
      _m: CardMonitor,
      [added, removed]: [
        { reader: { name: string }; atr: number[] }[],
        { reader: { name: string }; atr: number[] }[],
      ],
    ) {
      for (const c of removed) {
        event(
          "card-removed",
          { reader: c.reader.name, atr: hex(c.atr) },
          `${out.bad("- card  ")} ${c.reader.name}  ${hex(c.atr)}`,
        );
      }
      for (const c of added) {
        event(
          "card-inserted",
          { reader: c.reader.name, atr: hex(c.atr) },
          `${out.good("+ card  ")} ${c.reader.name}  ${hex(c.atr)}`,
        );
      }
    },
  };
  readers.addObserver(readerObserver);
  cards.addObserver(cardObserver);
  await new Promise<void>((resolve) => {
    const stop = () => {
      for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(signal, stop);
      resolve();
    };
    for (const signal of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(signal, stop);
  });
  readers.deleteObserver(readerObserver);
  cards.deleteObserver(cardObserver);
  return 0;
}

/** `atr [HEX]`: an ATR explained, given as hex or the card's. */
export async function atr(call: Invocation, out: Output): Promise<number> {
  let bytes: number[];
  if (call.args.length > 0) bytes = argHex(call.args.join(""), "the ATR", "atr");
  else {
    using connection = await openConnection(call.reader, false);
    bytes = await connection.readATR();
  }
  const explained = explainAtr(bytes);
  const { names, list, hint } = identifyAtr(bytes);
  out.object({ ...explained, names, list, hint });
  for (const line of explanationLines(explained)) out.line(line);
  if (names.length) {
    out.line(`possibly identified card${list ? ` (using ${list})` : ""}:`);
    for (const name of names) out.line(`  ${name}`);
  } else if (list) out.line(`card not in ${list}`);
  if (hint) out.line(hint);
  return explained.checksumOK ? 0 : 1;
}

/** `send APDU...`: each APDU to the card, the answers described. */
export async function send(call: Invocation, out: Output): Promise<number> {
  if (call.args.length === 0) throw new UsageError("send needs at least one APDU", "send");
  // every APDU is checked before the first is sent: a typo in the third must not cost a
  // PIN try in the first
  const apdus = call.args.map((a, i) =>
    checkedApdu(argHex(a, `APDU ${i + 1}`, "send"), `APDU ${i + 1}`, "send", call.raw)
  );
  using connection = await openConnection(call.reader, call.t0);
  for (const apdu of apdus) report(out, await exchange(connection, apdu));
  return 0;
}

/** `script FILE`: the APDUs of a file, with their expected answers checked. */
export async function script(call: Invocation, out: Output): Promise<number> {
  if (call.args.length !== 1) throw new UsageError("script needs one FILE", "script");
  const text = await Deno.readTextFile(call.args[0]).catch((error: Error) => {
    throw new UsageError(`cannot read ${call.args[0]}: ${error.message}`, "script");
  });
  const steps = parseScript(text, call.args[0], call.raw);
  using connection = await openConnection(call.reader, call.t0);
  let failed = 0;
  for (const step of steps) {
    const result = await exchange(connection, step.apdu);
    const ok = step.expected === null || matches(step.expected, result);
    if (!ok) failed++;
    report(
      out,
      result,
      step.expected === null ? undefined : { line: step.line, ok, expected: step.expectedText },
    );
  }
  out.object({ steps: steps.length, failed });
  out.line(
    failed
      ? out.bad(`${failed} of ${steps.length} not as expected`)
      : out.good(`${steps.length} as expected`),
  );
  return failed ? 1 : 0;
}

function report(
  out: Output,
  r: Exchanged,
  check?: { line: number; ok: boolean; expected: string },
): void {
  out.object({
    ...r,
    ...(check ? { line: check.line, ok: check.ok, expected: check.expected } : {}),
  });
  out.line(`> ${r.command}`);
  out.line(`< ${r.response ? `${r.response} ` : ""}${r.sw}  ${r.meaning}`);
  if (check && !check.ok) out.line(out.bad(`  line ${check.line}: expected ${check.expected}`));
}

interface Step {
  readonly line: number;
  readonly apdu: number[];
  /** null: anything; else bytes, with null for '..' */
  readonly expected: (number | null)[] | null;
  readonly expectedText: string;
}

function parseScript(text: string, file: string, rawApdus: boolean): Step[] {
  const steps: Step[] = [];
  text.split("\n").forEach((raw, i) => {
    const content = raw.replace(/#.*/, "").trim();
    if (!content) return;
    const [command, expected] = content.split("=").map((s) => s.trim());
    const where = `${file}:${i + 1}`;
    let apdu: number[];
    let expectation: (number | null)[] | null = null;
    try {
      apdu = parseHex(command, "the APDU");
      if (expected !== undefined) {
        expectation = expected.split(/\s+/).join("").match(/../g)?.map((b) =>
          b === ".." ? null : parseHex(b, "the expected answer")[0]
        ) ?? null;
        if (expectation === null || expected.replace(/\s+/g, "").length % 2) {
          throw new RangeError(`the expected answer is not hex bytes: ${JSON.stringify(expected)}`);
        }
      }
    } catch (error) {
      throw new UsageError(`${where}: ${(error as Error).message}`, "script");
    }
    checkedApdu(apdu, `${where}: the APDU`, "script", rawApdus);
    steps.push({ line: i + 1, apdu, expected: expectation, expectedText: expected ?? "" });
  });
  return steps;
}

function matches(expected: (number | null)[], r: Exchanged): boolean {
  const got = [...(r.response ? parseHex(r.response, "response") : []), ...parseHex(r.sw, "sw")];
  // two bytes alone are a status word; more are the whole answer
  const against = expected.length === 2 ? got.slice(-2) : got;
  return against.length === expected.length &&
    expected.every((b, i) => b === null || b === against[i]);
}

function noArgs(call: Invocation): void {
  if (call.args.length > 0) {
    throw new UsageError(`${call.command} takes no arguments`, call.command);
  }
}

/**
 * `apdu` checked as an ISO 7816-4 command (cases 1-4, short or extended, Lc agreeing with the
 * data) by {@linkcode CommandAPDU.parse}: a usage error naming it when it fits no case. With
 * --raw it is sent anyway, and a note on stderr says so.
 */
function checkedApdu(apdu: number[], what: string, command: string, raw: boolean): number[] {
  const shown = apdu.length > 16 ? `${hex(apdu.slice(0, 16))} ...` : hex(apdu);
  if (apdu.length < 4) {
    throw new UsageError(
      `${what} (${shown}) is ${apdu.length} bytes long: an APDU has at least CLA INS P1 P2` +
        (raw ? "" : "; nothing was sent"),
      command,
    );
  }
  try {
    CommandAPDU.parse(apdu);
  } catch (error) {
    const why = (error as Error).message.replace(/^command's /, "its ").replace(/^command /, "it ");
    if (!raw) {
      throw new UsageError(
        `${what} (${shown}) fits no ISO 7816-4 case: ${why}; nothing was sent ` +
          `(--raw sends such bytes as they are)`,
        command,
      );
    }
    console.error(`note: --raw: ${what} (${shown}) fits no ISO 7816-4 case; sent as given`);
  }
  return apdu;
}

/** Hex from the command line: bad hex is a usage error (exit 2), naming the argument. */
function argHex(text: string, what: string, command: string): number[] {
  try {
    return parseHex(text, what);
  } catch (error) {
    throw new UsageError((error as Error).message, command);
  }
}
