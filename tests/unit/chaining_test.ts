// Command chaining (ISO 7816-4 5.3.3) cut and sent: which commands a chain is made of, and that
// sending stops at the first status word that is not 90 00. The integration test sends a chain
// to a virtual card that checks it (tests/integration/apdu_test.ts).
import assert from "node:assert/strict";
import { chainCommands, transmitChained, transmitChainedSync } from "../../src/apdu/chaining.ts";
import { CommandAPDU } from "../../src/apdu/command_apdu.ts";

const data = Uint8Array.from({ length: 600 }, (_, i) => i & 0xff);
const put = new CommandAPDU({ cla: 0x00, ins: 0xda, p1: 0x3f, p2: 0xff, data, ne: 256 });

Deno.test("chainCommands cuts data into short commands with b5 set on all but the last", () => {
  const chain = chainCommands(put);
  assert.deepEqual(chain.map((c) => [c.cla, c.nc, c.ne, c.extended]), [
    [0x10, 255, 0, false],
    [0x10, 255, 0, false],
    [0x00, 90, 256, false],
  ]);
  assert.deepEqual(chain.flatMap((c) => [...c.data]), [...data]);
  assert.ok(chain.every((c) => c.ins === 0xda && c.p1 === 0x3f && c.p2 === 0xff));
  assert.deepEqual(
    chainCommands(put, { maxChunk: 200 }).map((c) => c.nc),
    [200, 200, 200],
  );
  // a proprietary class (b8 set) is chained the same way; further interindustry keeps its bits
  assert.deepEqual(chainCommands(new CommandAPDU({ ...put, cla: 0x80, data })).map((c) => c.cla), [
    0x90,
    0x90,
    0x80,
  ]);
  assert.deepEqual(chainCommands(new CommandAPDU({ ...put, cla: 0x41, data })).map((c) => c.cla), [
    0x51,
    0x51,
    0x41,
  ]);
});

Deno.test("chainCommands returns a command that fits alone unchanged", () => {
  const select = new CommandAPDU({ cla: 0, ins: 0xa4, p1: 4, p2: 0, data: [1, 2, 3], ne: 256 });
  const chain = chainCommands(select);
  assert.equal(chain.length, 1);
  assert.equal(chain[0], select);
});

Deno.test("chainCommands refuses what a chain cannot carry", () => {
  assert.throws(
    () => chainCommands(new CommandAPDU({ ...put, data, ne: 257 })),
    /Ne = 257: over 256 needs an extended Le/,
  );
  assert.throws(() => chainCommands(new CommandAPDU({ ...put, cla: 0xff, data })), /CLA FF/);
  assert.throws(
    () => chainCommands(new CommandAPDU({ ...put, cla: 0x10, data })),
    /CLA 10 already has the chaining bit/,
  );
  assert.throws(
    () => chainCommands(put, { maxChunk: 256 }),
    /maxChunk must be an integer in 1\.\.255/,
  );
  assert.throws(() => chainCommands(put, { maxChunk: 0 }), RangeError);
  assert.throws(() => chainCommands(put.toBytes() as unknown as CommandAPDU), TypeError);
});

/** A transmitter that answers from a list and records what it was sent. */
function scripted(answers: [number[], number, number][]) {
  const sent: string[] = [];
  const next = (command: CommandAPDU): [number[], number, number] => {
    sent.push(command.toString().slice(0, 14));
    const answer = answers.shift();
    assert.ok(answer, `nothing scripted for ${command}`);
    return answer;
  };
  return {
    sent,
    transmit: (command: CommandAPDU) => Promise.resolve(next(command)),
    transmitSync: next,
  };
}

Deno.test("transmitChained sends every link and returns the last response", async () => {
  const t = scripted([[[], 0x90, 0x00], [[], 0x90, 0x00], [[0xaa], 0x90, 0x00]]);
  const response = await transmitChained(t, put);
  assert.deepEqual(t.sent, ["10 DA 3F FF FF", "10 DA 3F FF FF", "00 DA 3F FF 5A"]);
  assert.deepEqual([...response.data], [0xaa]);
  assert.equal(response.sw, 0x9000);
});

Deno.test("transmitChained stops at the first status word that is not 90 00", async () => {
  const t = scripted([[[], 0x90, 0x00], [[], 0x6a, 0x80]]);
  const response = await transmitChained(t, put);
  assert.equal(t.sent.length, 2);
  assert.equal(response.sw, 0x6a80);
  // a warning is not 90 00 either
  const sync = scripted([[[], 0x62, 0x83]]);
  assert.equal(transmitChainedSync(sync, put).sw, 0x6283);
  assert.equal(sync.sent.length, 1);
});
