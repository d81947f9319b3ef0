/**
 * APDUs as values through pcscd: transmit and transmitSync with a CommandAPDU (on the test card
 * that checks each ISO case's shape), through a decorator and T=0's follow-ups, and command
 * chaining against a card without extended lengths that checks the chain.
 */

import assert from "node:assert/strict";
import {
  CardConnection,
  CardConnectionDecorator,
  type CardConnectionEvent,
  CommandAPDU,
  readers,
  ResponseAPDU,
  transmitChained,
  transmitChainedSync,
} from "../../mod.ts";
import { ATR_T0, ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID, TEST_FCI } from "../cards/test_card.ts";
import { PIECES_DATA } from "../cards/t0_card.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import type { VirtualCard } from "../support/virtual_card.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0] = skipped ? [""] : stack.readerNames;
const T0_CARD = new URL("../cards/t0_card.ts", import.meta.url);
const CHAINING_CARD = new URL("../cards/chaining_card.ts", import.meta.url);

/** A test with a card in reader 0 and a connection to it. */
function withCard(
  name: string,
  options: { atr: readonly number[]; behaviour?: URL; protocol?: number },
  fn: (connection: CardConnection, card: VirtualCard) => Promise<void>,
): void {
  onStack(name, async () => {
    await using card = stack.card({ atr: options.atr, reader: 0, behaviour: options.behaviour });
    await card.insert();
    await cardPresent(READER0);
    {
      using connection = readers().find((r) => r.name === READER0)!.createConnection();
      await connection.connect(options.protocol);
      await fn(connection, card);
    }
    await card.remove();
    await cardPresent(READER0, false);
  });
}

withCard(
  "transmit takes a CommandAPDU of every case, short and extended, with the same result shape",
  { atr: ATR_T1 },
  async (connection, card) => {
    const select = new CommandAPDU({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: TEST_AID, ne: 256 });
    assert.deepEqual(await connection.transmit(select), [[...TEST_FCI], 0x90, 0x00]);
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 7) & 0xff);
    const commands = [
      new CommandAPDU({ cla: 0, ins: 0x10, p1: 0, p2: 0 }), // case 1
      new CommandAPDU({ cla: 0, ins: 0x20, p1: 0, p2: 0, ne: 256 }), // case 2 short
      new CommandAPDU({ cla: 0, ins: 0x20, p1: 0, p2: 0, ne: 1000 }), // case 2 extended
      new CommandAPDU({ cla: 0, ins: 0x30, p1: 0, p2: 0, data: data.subarray(0, 5) }), // 3 short
      new CommandAPDU({ cla: 0, ins: 0x30, p1: 0, p2: 0, data }), // case 3 extended
      new CommandAPDU({ cla: 0, ins: 0x40, p1: 0, p2: 0, data: data.subarray(0, 9), ne: 4 }),
      new CommandAPDU({ cla: 0, ins: 0x40, p1: 0, p2: 0, data, ne: 65536 }), // 4 extended
    ];
    const results = [];
    for (const command of commands) results.push(await connection.transmit(command));
    assert.deepEqual(results.map(([d, sw1, sw2]) => [d.length, sw1, sw2]), [
      [0, 0x90, 0x00],
      [256, 0x90, 0x00],
      [1000, 0x90, 0x00],
      [0, 0x90, 0x00],
      [0, 0x90, 0x00],
      [4, 0x90, 0x00],
      [300, 0x90, 0x00],
    ]);
    assert.deepEqual(results[6][0], [...data]);
    // the card saw exactly the encodings (it answers 67 00 to a shape its INS does not expect)
    const log = await card.apduLog();
    assert.deepEqual(log.slice(1), commands.map((c) => c.toBytes()));
    // transmitSync too, and a ResponseAPDU from the result
    const response = ResponseAPDU.fromTransmit(
      connection.transmitSync(new CommandAPDU({ cla: 0, ins: 0xe0, p1: 0x63, p2: 0xc2 })),
    );
    assert.equal(response.sw, 0x63c2);
  },
);

withCard(
  "a CommandAPDU through a decorator and T=0's GET RESPONSE, observers seeing its bytes",
  { atr: ATR_T0, behaviour: T0_CARD, protocol: CardConnection.T0_protocol },
  async (connection) => {
    using decorated = new CardConnectionDecorator(connection);
    decorated.setT0ResponseHandling(true);
    const seen: number[][] = [];
    decorated.addObserver({
      update(_c, event: CardConnectionEvent) {
        if (event.type === "command") seen.push(event.args[0] as number[]);
      },
    });
    const getData = new CommandAPDU({ cla: 0, ins: 0xca, p1: 0, p2: 0, ne: 256 });
    assert.deepEqual(await decorated.transmit(getData), [[...PIECES_DATA], 0x90, 0x00]);
    assert.deepEqual(seen[0], [0x00, 0xca, 0x00, 0x00, 0x00]);
    assert.deepEqual(decorated.transmitSync(getData), [[...PIECES_DATA], 0x90, 0x00]);
  },
);

withCard(
  "transmitChained sends long data as a chain the card checks, and gets its answer",
  { atr: ATR_T1, behaviour: CHAINING_CARD },
  async (connection, card) => {
    const data = Uint8Array.from({ length: 700 }, (_, i) => (i * 13 + 1) & 0xff);
    const sum = data.reduce((a, b) => (a + b) & 0xffff, 0);
    const put = new CommandAPDU({ cla: 0x00, ins: 0xda, p1: 0x3f, p2: 0xff, data, ne: 256 });
    // sent whole, the card refuses the extended command
    assert.deepEqual(await connection.transmit(put), [[], 0x67, 0x00]);
    const response = await transmitChained(connection, put);
    assert.equal(response.sw, 0x9000);
    assert.deepEqual([...response.data], [700 >> 8, 700 & 0xff, sum >> 8, sum & 0xff]);
    const log = (await card.apduLog()).slice(1);
    assert.deepEqual(log.map((c) => [c[0], c[4], c.length]), [
      [0x10, 255, 260],
      [0x10, 255, 260],
      [0x00, 190, 196],
    ]);
    // the sync form, with smaller links
    const again = transmitChainedSync(connection, put, { maxChunk: 100 });
    assert.deepEqual([...again.data], [700 >> 8, 700 & 0xff, sum >> 8, sum & 0xff]);
    assert.equal((await card.apduLog()).length, 1 + 3 + 7);
  },
);

withCard(
  "transmitChained stops at the first status word that is not 90 00",
  { atr: ATR_T1, behaviour: CHAINING_CARD },
  async (connection, card) => {
    const refused = new CommandAPDU({
      cla: 0x00,
      ins: 0xdb,
      p1: 0,
      p2: 0,
      data: new Uint8Array(1000),
    });
    const response = await transmitChained(connection, refused);
    assert.equal(response.sw, 0x6a80);
    // two links sent of four: nothing after the refusal
    assert.equal((await card.apduLog()).length, 2);
  },
);

onStack("APDU tests: stop the daemon (cleanup)", () => stack.stop());
