/**
 * The main job, on the built-in virtual reader: `deno task demo`.
 *
 * Brings up a private pcscd with the vpcd virtual reader and a virtual card (as root on
 * Debian, installing the packages when they are missing), then does what a card utility does:
 * waits for the card, connects, prints the ATR and the answers to SELECT and GET CHALLENGE.
 * Where the virtual stack cannot run, it does the same with the system's own readers.
 *
 * @module
 */

import { CardRequest, toHexString } from "../mod.ts";
import { cleanUp, prepareMachine } from "../tests/support/machine.ts";
import { ensureQuickAckRoute, removeQuickAckRoute } from "../tests/support/quick_ack.ts";
import { startStack } from "../tests/support/stack.ts";

const SELECT = [0x00, 0xA4, 0x04, 0x00, 0x08, 0xA0, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00];
const GET_CHALLENGE = [0x00, 0x84, 0x00, 0x00, 0x08];

/** The card utility itself: nothing in it knows the reader is virtual. */
async function main(timeout: number): Promise<void> {
  using request = new CardRequest({ timeout });
  console.log(`waiting up to ${timeout} s for a card...`);
  using service = await request.waitforcard();
  const connection = service.connection;
  await connection.connect();
  console.log(`reader:        ${connection.getReader()}`);
  console.log(`ATR:           ${toHexString(connection.getATR())}`);
  for (const [name, apdu] of [["SELECT", SELECT], ["GET CHALLENGE", GET_CHALLENGE]] as const) {
    const [data, sw1, sw2] = await connection.transmit(apdu);
    console.log(`${`${name}:`.padEnd(14)} > ${toHexString(apdu)}`);
    console.log(`${"".padEnd(14)} < ${toHexString(data)} ${toHexString([sw1, sw2])}`.trimEnd());
  }
}

if (import.meta.main) {
  const dir = await Deno.makeTempDir({ prefix: "pcsc-demo-" });
  let routeAdded = false;
  try {
    let stack = null;
    if (await prepareMachine()) {
      routeAdded = (await ensureQuickAckRoute()).added;
      Deno.env.set("PCSC_TEST_DIR", dir);
      const started = await startStack();
      if ("skipped" in started) console.log(`no virtual reader: ${started.skipped}`);
      else stack = started;
    }
    if (stack) {
      await using _stack = stack;
      await using card = stack.card({ atr: [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6] });
      console.log(`virtual reader "${stack.readerNames[0]}" is up; inserting a virtual card`);
      await card.insert();
      await main(5);
    } else {
      console.log("using this system's PC/SC service and readers instead");
      await main(10);
    }
  } finally {
    await cleanUp(dir);
    if (routeAdded) await removeQuickAckRoute();
  }
}
