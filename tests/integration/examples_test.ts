/**
 * Every usage example of the specification, run as written (a `deno run` of the file) against
 * the test stack's virtual reader and card.
 */

import assert from "node:assert/strict";
import { ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import { stackFixture } from "../support/fixture.ts";

const { stack: live, onStack } = await stackFixture();

// The card the specific-card-type example waits for: its pattern, with the masked bytes set.
// deno-fmt-ignore
const SPECIFIC_ATR = [
  0x3B, 0x7F, 0x96, 0x11, 0x22, 0x80, 0x31, 0x80, 0x65, 0xB0, 0x84, 0x41, 0x82, 0x54, 0x43, 0x4F,
  0x53, 0x70, 0x02, 0x47, 0x33, 0x44, 0x32, 0x76, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
];

async function runExample(file: string): Promise<string> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-ffi",
      "--allow-env",
      new URL(`../../examples/${file}`, import.meta.url).pathname,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
  return text;
}

function example(file: string, atr: readonly number[], expected: RegExp[]): void {
  onStack(`examples/${file} runs as written`, async () => {
    await using card = live.card({ atr, reader: 0 });
    await card.insert();
    await cardPresent(live.readerNames[0]);
    const output = await runExample(file);
    for (const line of expected) assert.match(output, line);
    await card.remove();
    await cardPresent(live.readerNames[0], false);
  });
}

example("basic_card_request.ts", ATR_T1, [
  /^Card inserted!$/m,
  /^ATR: 3B 82 01 54 31 E6$/m,
  // 00 A4 04 00 without data is no SELECT the test card knows: it says so
  /^Response: \[\], SW: 67 00$/m,
]);

example("specific_card_type.ts", SPECIFIC_ATR, [
  /^Matching card inserted!$/m,
  /^in Virtual PCD 00 00$/m,
]);

example("connection_management.ts", ATR_T1, [
  /^Connected using T=1 protocol$/m,
  /^Active protocol: 2$/m,
  /^Challenge: ([0-9A-F]{2} ){7}[0-9A-F]{2}$/m,
]);

example("context_manager.ts", ATR_T1, [
  /^ATR: \[59,130,1,84,49,230\]$/m,
  /^Response: \[\], Status: 6D 00$/m,
]);
