/**
 * Testing card code without hardware, as a user would in their own project: a small client
 * of the card application in `my_card.ts` (a PIN and a counter), tested through the pyscard
 * API against a virtual card, first the application itself, then a scripted card that pins
 * the exact APDUs the client sends.
 *
 * Run it as root on Debian with pcscd and vsmartcard-vpcd installed:
 * `deno test -A examples/testing_my_card_test.ts`. Elsewhere its tests are ignored, with
 * one line saying what is missing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type CardConnection, readers, toHexString } from "../mod.ts";
import { missingRequirements, startVirtualStack, type VirtualCard } from "../src/testing/mod.ts";
import { MY_AID, MY_PIN } from "./my_card.ts";

// ---- the code under test: what a user's application would hold ----

/** A status word other than 90 00, with the command that got it. */
class CardError extends Error {
  constructor(readonly sw: number, command: readonly number[]) {
    super(`${toHexString(command)} answered ${sw.toString(16).toUpperCase().padStart(4, "0")}`);
  }
}

/** The client of the counter application. */
class CounterClient {
  constructor(readonly connection: CardConnection) {}

  async select(): Promise<void> {
    await this.#send([0x00, 0xa4, 0x04, 0x00, MY_AID.length, ...MY_AID]);
  }

  async verifyPin(pin: string): Promise<void> {
    const digits = [...pin].map((c) => c.charCodeAt(0));
    await this.#send([0x00, 0x20, 0x00, 0x80, digits.length, ...digits]);
  }

  async counter(): Promise<number> {
    return toCounter(await this.#send([0x80, 0xca, 0x00, 0x00, 0x02]));
  }

  async increment(): Promise<number> {
    return toCounter(await this.#send([0x80, 0xd4, 0x00, 0x00, 0x02]));
  }

  async #send(command: number[]): Promise<number[]> {
    const [data, sw1, sw2] = await this.connection.transmit(command);
    const sw = (sw1 << 8) | sw2;
    if (sw !== 0x9000) throw new CardError(sw, command);
    return data;
  }
}

function toCounter(data: number[]): number {
  return (data[0] << 8) | data[1];
}

// ---- the tests ----

/** T=0, no interface bytes: an ATR pcscd accepts. */
const ATR = [0x3b, 0x02, 0x54, 0x30];
const MY_CARD = new URL("./my_card.ts", import.meta.url);

const missing = await missingRequirements();
if (missing.length > 0) console.log(`virtual card tests ignored: missing ${missing.join(", ")}`);

/** A connection to the card, once the PC/SC service has seen it. */
async function connectTo(card: VirtualCard): Promise<CardConnection> {
  await card.insert();
  await card.waitPresent();
  const reader = readers().find((r) => r.name === card.readerName);
  assert.ok(reader, `${card.readerName} is listed`);
  const connection = reader.createConnection();
  await connection.connect();
  return connection;
}

Deno.test({
  name: "my card: the counter counts only for the PIN holder",
  ignore: missing.length > 0,
  async fn(t) {
    await using stack = await startVirtualStack();
    await using card = stack.card({ atr: ATR, behaviour: MY_CARD });
    using connection = await connectTo(card);
    const client = new CounterClient(connection);
    await client.select();

    await t.step("anyone reads the counter; incrementing needs the PIN", async () => {
      assert.equal(await client.counter(), 0);
      await assert.rejects(client.increment(), (e: CardError) => e.sw === 0x6982);
    });
    await t.step("a wrong PIN says how many tries are left", async () => {
      await assert.rejects(client.verifyPin("0000"), (e: CardError) => e.sw === 0x63c2);
    });
    await t.step("the right PIN lets it count, and resets the tries", async () => {
      await client.verifyPin("1234");
      assert.equal(await client.increment(), 1);
      assert.equal(await client.increment(), 2);
      await assert.rejects(client.verifyPin("9999"), (e: CardError) => e.sw === 0x63c2);
    });
    await t.step("a reset forgets the PIN, not the counter", async () => {
      await connection.reconnect(undefined, undefined, 1); // SCARD_RESET_CARD
      await client.select();
      await assert.rejects(client.increment(), (e: CardError) => e.sw === 0x6982);
      assert.equal(await client.counter(), 2);
    });
    await t.step("the tries left survive a reset; running out blocks the PIN", async () => {
      for (const sw of [0x63c1, 0x6983, 0x6983]) {
        await assert.rejects(client.verifyPin("0000"), (e: CardError) => e.sw === sw);
      }
      await assert.rejects(client.verifyPin("1234"), (e: CardError) => e.sw === 0x6983);
    });
    await t.step("the card's trace holds what the client sent", async () => {
      const trace = await card.trace();
      assert.deepEqual(trace[0].command, [0x00, 0xa4, 0x04, 0x00, 0x05, ...MY_AID]);
      assert.deepEqual(trace[0].response, [0x90, 0x00]);
      const increments = trace.filter((entry) => entry.command[1] === 0xd4);
      assert.deepEqual(increments.map((entry) => entry.response), [
        [0x69, 0x82],
        [0x00, 0x01, 0x90, 0x00],
        [0x00, 0x02, 0x90, 0x00],
        [0x69, 0x82],
      ]);
    });
  },
});

Deno.test({
  name: "my client: sends exactly SELECT, VERIFY, INCREMENT (scripted card)",
  ignore: missing.length > 0,
  async fn(t) {
    await using stack = await startVirtualStack();
    const pin = toHexString(MY_PIN);
    await using card = stack.card({
      atr: ATR,
      script: [
        { command: `00 A4 04 00 05 ${toHexString(MY_AID)}`, response: "90 00" },
        { command: `00 20 00 80 04 ${pin}`, response: "90 00" },
        { command: "80 D4 00 00 02", response: "00 2A 90 00" },
      ],
    });
    using connection = await connectTo(card);
    const client = new CounterClient(connection);

    await t.step("the script is played in order", async () => {
      await client.select();
      await client.verifyPin("1234");
      assert.equal(await client.increment(), 42);
      assert.deepEqual(await card.pendingExchanges(), []);
      assert.ok((await card.trace()).every((entry) => entry.mismatch === undefined));
    });
    await t.step("a command off the script is answered 6F 00 and shows in the trace", async () => {
      await assert.rejects(client.counter(), (e: CardError) => e.sw === 0x6f00);
      const last = (await card.trace()).at(-1)!;
      assert.deepEqual(last.response, [0x6f, 0x00]);
      assert.match(last.mismatch ?? "", /script has ended .*got 80 CA 00 00 02/);
    });
  },
});
