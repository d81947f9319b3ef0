/**
 * Every framework sample of pyscard 2.3 (`src/smartcard/Examples/framework`), as ported in
 * `examples/pyscard/`, run as a user runs it (`deno run`) on the virtual stack, and its output
 * compared with what pyscard 2.3.1's own sample printed against the same virtual card.
 *
 * The transcripts in `pyscard_transcripts/` were recorded by running pyscard's samples
 * (built from its repository) against this stack with `PCSCLITE_CSOCK_NAME` pointing at it,
 * the monitor samples' sleep cut to 3 seconds as the ports' argument cuts theirs: `<name>.sim.txt`
 * with the SIM of `examples/pyscard/sim_card.ts` inserted, `<name>.6a82.txt` with a card that
 * answers every SELECT 6A 82 (the error paths). Two lines differ, and only where JavaScript
 * prints a value its own way: booleans (`true`, Python `True`) and arrays (`[ 'a', 'b' ]`,
 * Python `['a', 'b']`). `JS_PRINTING` spells those out; everything else is byte for byte.
 */

import assert from "node:assert/strict";
import { SIM_ATR } from "../../examples/pyscard/sim_card.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";

const { stack: live, onStack } = await stackFixture();
const TRANSCRIPTS = new URL("./pyscard_transcripts/", import.meta.url);

/** Where console.log prints a value otherwise than Python's print, line by line. */
const JS_PRINTING: Record<string, (pyscard: string) => string> = {
  ATR: (text) => text.replace(/\b(True|False)$/gm, (b) => b.toLowerCase()),
  MonitorReaders: (text) => text.replace(/^Added readers \[(.+)\]$/m, "Added readers [ $1 ]"),
};

async function runPort(name: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      new URL(`../../examples/pyscard/sample_${name}.ts`, import.meta.url).pathname,
      "3", // the monitor samples' seconds, as their pyscard transcripts were recorded
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
  assert.equal(new TextDecoder().decode(output.stderr), "");
  return text;
}

async function expected(name: string, card: "sim" | "6a82"): Promise<string> {
  const pyscard = await Deno.readTextFile(new URL(`${name}.${card}.txt`, TRANSCRIPTS));
  return (JS_PRINTING[name] ?? ((text: string) => text))(pyscard);
}

function sample(name: string, card: "sim" | "6a82" | null): void {
  const what = card === null
    ? ""
    : card === "sim"
    ? " with the SIM"
    : " with a card answering 6A 82";
  onStack(
    `examples/pyscard/sample_${name}.ts prints what pyscard's sample prints${what}`,
    async () => {
      if (card === null) {
        assert.equal(await runPort(name), await expected(name, "sim"));
        return;
      }
      await using inserted = card === "sim"
        ? live.card({
          atr: SIM_ATR,
          reader: 0,
          behaviour: new URL("../../examples/pyscard/sim_card.ts", import.meta.url),
        })
        : live.card({
          atr: SIM_ATR,
          reader: 0,
          script: Array.from({ length: 4 }, () => ({
            command: "A0 A4 00 00 02 7F 10",
            response: "6A 82",
          })),
        });
      await inserted.insert();
      await cardPresent(live.readerNames[0]);
      assert.equal(await runPort(name), await expected(name, card));
      await inserted.remove();
      await cardPresent(live.readerNames[0], false);
    },
  );
}

// no card needed
sample("ATR", null);
sample("toHexString", null);
sample("MonitorReaders", null);
// the SIM
for (
  const name of [
    "ConsoleConnectionTracer",
    "CardConnectionDecorator",
    "CustomCardType",
    "CustomErrorChecker",
    "ErrorChecking",
    "ExclusiveCardConnection",
    "apduTracerInterpreter",
    "MonitorCards",
    "MonitorCardsAndTransmit",
    "TransmitCardObserver",
  ]
) sample(name, "sim");
// a card without DF_TELECOM: the error paths
for (
  const name of [
    "ConsoleConnectionTracer",
    "CardConnectionDecorator",
    "CustomErrorChecker",
    "ErrorChecking",
    "ExclusiveCardConnection",
    "apduTracerInterpreter",
    "MonitorCardsAndTransmit",
    "TransmitCardObserver",
  ]
) sample(name, "6a82");

Deno.test("every framework sample of pyscard 2.3 has a port in examples/pyscard", async () => {
  const ports =
    (await Array.fromAsync(Deno.readDir(new URL("../../examples/pyscard/", import.meta.url))))
      .map((e) => e.name).filter((n) => n.startsWith("sample_")).sort();
  assert.deepEqual(ports, [
    "sample_ATR.ts",
    "sample_CardConnectionDecorator.ts",
    "sample_ConsoleConnectionTracer.ts",
    "sample_CustomCardType.ts",
    "sample_CustomErrorChecker.ts",
    "sample_ErrorChecking.ts",
    "sample_ExclusiveCardConnection.ts",
    "sample_MonitorCards.ts",
    "sample_MonitorCardsAndTransmit.ts",
    "sample_MonitorReaders.ts",
    "sample_TransmitCardObserver.ts",
    "sample_apduTracerInterpreter.ts",
    "sample_toHexString.ts",
  ]);
});

onStack("pyscard examples tests: stop the daemon (cleanup)", () => live[Symbol.asyncDispose]());
