/**
 * The testing kit (`src/testing/mod.ts`) as a user meets it: what it says where the stack
 * cannot run (checked on made-up machines), scripted cards and their traces on the real
 * stack, cards going in and out as `readers()` sees them, and the example
 * `examples/testing_my_card_test.ts` run as a user runs it: `deno test -A` in a process of
 * its own, with no runner around it.
 */

import assert from "node:assert/strict";
import { NoCardException, readers } from "../../mod.ts";
import {
  missingRequirements,
  type StackProbes,
  StackUnavailableError,
  VirtualCard,
} from "../../src/testing/mod.ts";
import { Script } from "../../src/testing/card_behaviour.ts";
import { ATR_T0, ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** A Debian machine with everything the stack needs, run as root. */
const COMPLETE: StackProbes = {
  os: "linux",
  uid: 0,
  which: (command) => Promise.resolve(`/usr/sbin/${command}`),
  isFile: () => Promise.resolve(true),
  hasLibPcscLite: () => Promise.resolve(true),
};

Deno.test("kit: nothing is missing on a Debian machine with the packages, as root", async () => {
  assert.deepEqual(await missingRequirements(COMPLETE), []);
});

Deno.test("kit: not Linux is all there is to say", async () => {
  const missing = await missingRequirements({ ...COMPLETE, os: "darwin" });
  assert.deepEqual(missing, ["Linux"]);
  assert.equal(
    new StackUnavailableError(missing, "darwin").message,
    "the virtual PC/SC stack cannot run here: it needs Linux (this is darwin)",
  );
});

Deno.test("kit: not root and missing packages are listed, with the apt command", async () => {
  const missing = await missingRequirements({
    ...COMPLETE,
    uid: 1000,
    which: (command) => Promise.resolve(command === "pcscd" ? undefined : `/usr/bin/${command}`),
    isFile: (path) => Promise.resolve(!path.endsWith("libifdvpcd.so")),
  });
  assert.deepEqual(missing, ["root", "pcscd", "vsmartcard-vpcd"]);
  const error = new StackUnavailableError(missing);
  assert.ok(error instanceof Error);
  assert.equal(error.name, "StackUnavailableError");
  assert.deepEqual(error.missing, ["root", "pcscd", "vsmartcard-vpcd"]);
  assert.equal(
    error.message,
    "the virtual PC/SC stack cannot run here: it needs root (pcscd runs in a private mount " +
      "namespace); missing pcscd, vsmartcard-vpcd (install with `apt install pcscd " +
      "vsmartcard-vpcd`)",
  );
});

Deno.test("kit: the client library and util-linux are checked too", async () => {
  const missing = await missingRequirements({
    ...COMPLETE,
    which: (command) => Promise.resolve(command === "unshare" ? undefined : `/bin/${command}`),
    hasLibPcscLite: () => Promise.resolve(false),
  });
  assert.deepEqual(missing, ["libpcsclite1", "util-linux"]);
});

Deno.test("kit: a script answers in order, and a command off it does not move it on", () => {
  const script = new Script([
    { command: [0x00, 0xa4, 0x04, 0x00], response: [0x90, 0x00] },
    { command: [0x00, 0xb0, 0x00, 0x00, 0x02], response: [0x12, 0x34, 0x90, 0x00] },
  ], [0x6f, 0x00]);
  assert.deepEqual(script.answer(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)), {
    response: Uint8Array.of(0x90, 0x00),
  });
  assert.deepEqual(script.answer(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x04)), {
    response: Uint8Array.of(0x6f, 0x00),
    mismatch: "exchange 2 of 2: expected 00 B0 00 00 02, got 00 B0 00 00 04",
  });
  assert.equal(script.pending.length, 1);
  assert.deepEqual(
    script.answer(Uint8Array.of(0x00, 0xb0, 0x00, 0x00, 0x02)).response,
    Uint8Array.of(0x12, 0x34, 0x90, 0x00),
  );
  assert.deepEqual(script.pending, []);
  assert.equal(
    script.answer(Uint8Array.of(0x00, 0xa4, 0x04, 0x00)).mismatch,
    "the script has ended (2 exchanges); got 00 A4 04 00",
  );
});

Deno.test("kit: a card needs exactly one of behaviour and script, and bytes that are bytes", () => {
  const where = { atr: ATR_T1, host: "127.0.0.1", port: 1 };
  assert.throws(() => new VirtualCard(where), /exactly one of behaviour and script/);
  assert.throws(
    () => new VirtualCard({ ...where, behaviour: "./card.ts", script: [] }),
    /exactly one of behaviour and script/,
  );
  assert.throws(
    () => new VirtualCard({ ...where, script: [{ command: "00 A4 0", response: "90 00" }] }),
    TypeError,
  );
  assert.throws(
    () => new VirtualCard({ ...where, script: [{ command: [0x100], response: [] }] }),
    /script\[0\]\.command/,
  );
});

const { stack, onStack } = await stackFixture();

/** Connects to the card's reader as user code would: by name, from `readers()`. */
function connection(card: VirtualCard) {
  const reader = readers().find((r) => r.name === card.readerName);
  assert.ok(reader, `readers() lists ${card.readerName}`);
  return reader.createConnection();
}

onStack("kit: a scripted card's trace has every command with its response", async () => {
  await using card = stack.card({
    atr: ATR_T0,
    reader: 1,
    script: [
      { command: "00 A4 04 00 02 3F 00", response: "90 00" },
      { command: [0x00, 0xb0, 0x00, 0x00, 0x03], response: Uint8Array.of(1, 2, 3, 0x90, 0x00) },
    ],
  });
  assert.equal(card.readerName, "Virtual PCD 00 01");
  assert.equal((await card.pendingExchanges()).length, 2);
  await card.insert();
  await card.waitPresent();
  using conn = connection(card);
  await conn.connect();
  assert.deepEqual(await conn.transmit([0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00]), [[], 0x90, 0]);
  assert.deepEqual(conn.transmitSync([0x00, 0xb0, 0x00, 0x00, 0x03]), [[1, 2, 3], 0x90, 0]);
  assert.deepEqual(await card.trace(), [
    { command: [0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00], response: [0x90, 0x00] },
    { command: [0x00, 0xb0, 0x00, 0x00, 0x03], response: [1, 2, 3, 0x90, 0x00] },
  ]);
  assert.deepEqual(await card.apduLog(), (await card.trace()).map((entry) => entry.command));
  assert.deepEqual(await card.pendingExchanges(), []);
});

onStack(
  "kit: a command the script does not expect is answered its error SW, and traced",
  async () => {
    await using card = stack.card({
      atr: ATR_T1,
      script: [{ command: "00 A4 04 00 02 3F 00", response: "90 00" }],
      mismatchResponse: [0x69, 0x99],
    });
    await card.insert();
    await card.waitPresent();
    using conn = connection(card);
    await conn.connect();
    assert.deepEqual(await conn.transmit([0x00, 0xa4, 0x04, 0x00, 0x02, 0x2f, 0x00]), [
      [],
      0x69,
      0x99,
    ]);
    const [entry] = await card.trace();
    assert.deepEqual(entry.response, [0x69, 0x99]);
    assert.equal(
      entry.mismatch,
      "exchange 1 of 1: expected 00 A4 04 00 02 3F 00, got 00 A4 04 00 02 2F 00",
    );
    // the expected exchange is still the next one
    assert.equal((await card.pendingExchanges()).length, 1);
    assert.deepEqual(await conn.transmit([0x00, 0xa4, 0x04, 0x00, 0x02, 0x3f, 0x00]), [
      [],
      0x90,
      0,
    ]);
    assert.deepEqual(await card.pendingExchanges(), []);
  },
);

onStack("kit: a card inserted and removed is seen so through readers()", async () => {
  await using card = stack.card({ atr: ATR_T1, behaviour: `${ROOT}examples/my_card.ts` });
  assert.deepEqual(readers().map(String), stack.readerNames);
  // the card of the test before may still be going
  await card.waitAbsent();
  await assertNoCard(card);
  await card.insert();
  await card.waitPresent();
  {
    using conn = connection(card);
    await conn.connect();
    assert.deepEqual(conn.getATR(), ATR_T1);
    // examples/my_card.ts, not the stack's default card: nothing before SELECT
    assert.deepEqual(await conn.transmit([0x80, 0xca, 0x00, 0x00, 0x02]), [[], 0x69, 0x85]);
  }
  await card.remove();
  await card.waitAbsent();
  await assertNoCard(card);
});

async function assertNoCard(card: VirtualCard): Promise<void> {
  using conn = connection(card);
  await assert.rejects(conn.connect(), NoCardException);
}

/** This environment without the stack's socket name, as a user's shell has it. */
function plainEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.PCSCLITE_CSOCK_NAME;
  delete env.PCSC_TEST_DIR;
  return env;
}

/**
 * The kit's temporary folders, and the pcscd processes running from one of them: other test
 * runs on this machine have daemons of their own, in folders of other names.
 */
async function leftovers(): Promise<{ dirs: string[]; daemons: number[] }> {
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  const dirs = (await Array.fromAsync(Deno.readDir(tmp)))
    .map((entry) => entry.name)
    .filter((name) => name.startsWith("pcsc-testing-"));
  const daemons = [];
  for await (const entry of Deno.readDir("/proc")) {
    const stat = await Deno.readTextFile(`/proc/${entry.name}/stat`).catch(() => "");
    if (!/^\d+ \(pcscd\) [^ZX]/.test(stat)) continue;
    const command = await Deno.readTextFile(`/proc/${entry.name}/cmdline`).catch(() => "");
    if (command.includes(`${tmp}/pcsc-testing-`)) daemons.push(Number(entry.name));
  }
  return { dirs: dirs.sort(), daemons: daemons.sort((a, b) => a - b) };
}

// the kit's examples, as a user runs them: their stacks stop their daemons and remove their folders
for (
  const [example, passed] of [
    ["examples/testing_my_card_test.ts", /ok \| 2 passed \(8 steps\) \| 0 failed/],
    ["examples/testing_my_nfc_code_test.ts", /ok \| 2 passed \| 0 failed/],
  ] as const
) {
  onStack(`kit: ${example} passes under a plain deno test -A`, async () => {
    const before = await leftovers();
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["test", "-A", example],
      cwd: ROOT,
      clearEnv: true,
      env: { ...plainEnv(), NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const text = new TextDecoder().decode(output.stdout) +
      new TextDecoder().decode(output.stderr);
    assert.equal(output.code, 0, text);
    assert.match(text, passed);
    assert.deepEqual(await leftovers(), before);
  });
}

onStack("kit: a PCSCLITE_CSOCK_NAME naming another daemon is refused, not followed", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { startVirtualStack } from "./src/testing/mod.ts";
       await startVirtualStack().catch((e) => console.log(e.message));`,
    ],
    cwd: ROOT,
    clearEnv: true,
    env: { ...plainEnv(), PCSCLITE_CSOCK_NAME: "/run/pcscd/pcscd.comm" },
    stdin: "null",
  }).output();
  assert.equal(
    new TextDecoder().decode(output.stdout).trim(),
    "PCSCLITE_CSOCK_NAME is /run/pcscd/pcscd.comm, not a virtual stack's socket " +
      "(<dir>/run/pcscd.comm): libpcsclite would keep talking to that daemon; unset it",
  );
});
