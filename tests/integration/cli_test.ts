/**
 * The card utility, run as a user runs it (a subprocess) against the virtual stack: every
 * command, its --json, and the one-line errors with their exit codes.
 */

import assert from "node:assert/strict";
import { ATR_T0, ATR_T1 } from "../cards/atrs.ts";
import { TEST_AID } from "../cards/test_card.ts";
import { stackFixture } from "../support/fixture.ts";
import { OutputLines } from "../support/output_lines.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";
import type { VirtualCard } from "../../src/testing/virtual_card.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0, READER1] = skipped ? ["", ""] : stack.readerNames;
const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const T0_CARD = new URL("../cards/t0_card.ts", import.meta.url);
const hex = (bytes: readonly number[]) =>
  bytes.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
const SELECT = hex([0x00, 0xA4, 0x04, 0x00, TEST_AID.length, ...TEST_AID]);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

/** A failure: the exit code, and one line on stderr without a stack trace. */
function oneLine(ran: Ran, code: number, pattern: RegExp): void {
  assert.equal(ran.code, code, ran.stdout + ran.stderr);
  const lines = ran.stderr.trim().split("\n");
  assert.equal(lines.length, 1, ran.stderr);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(ran.stderr, /\n\s+at /);
}

function withCard(
  name: string,
  fn: () => Promise<void>,
  behaviour?: URL,
  check?: (card: VirtualCard) => Promise<void>,
): void {
  onStack(name, async () => {
    await using card = stack.card({ atr: behaviour ? ATR_T0 : ATR_T1, reader: 1, behaviour });
    await card.insert();
    await cardPresent(READER1);
    await fn();
    await check?.(card);
    await card.remove();
    await cardPresent(READER1, false);
  });
}

withCard("list: each reader with its card state and ATR, as text and as JSON", async () => {
  const text = await cli(["list"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`^0  ${READER0}  empty$`, "m"));
  assert.match(text.stdout, new RegExp(`^1  ${READER1}  card   3B 82 01 54 31 E6$`, "m"));
  const json = JSON.parse((await cli(["list", "--json"])).stdout);
  assert.deepEqual(json.readers, [
    { index: 0, name: READER0, state: "empty", atr: null, names: [] },
    { index: 1, name: READER1, state: "card", atr: "3B 82 01 54 31 E6", names: [] },
  ]);
});

withCard("atr: the card's ATR explained, and one given as hex", async () => {
  const fromCard = await cli(["atr", "--reader", "1"]);
  assert.equal(fromCard.code, 0, fromCard.stderr);
  assert.match(fromCard.stdout, /^ATR: 3B 82 01 54 31 E6$/m);
  assert.match(fromCard.stdout, /^ {2}TD1 {2}= 01 {2}no interface byte follows; protocol T=1$/m);
  assert.match(fromCard.stdout, /^historical bytes: 54 31 "T1"$/m);
  assert.match(fromCard.stdout, /^TCK = E6 {2}checks$/m);
  const given = JSON.parse(
    (await cli(["atr", "3B 95 11 80 1F C7 80 31 E0 73 FE 21 1B", "--json"])).stdout,
  );
  assert.deepEqual(given.protocols, ["T=0", "T=15"]);
  assert.deepEqual(given.bytes.find((b: { name: string }) => b.name === "TA1"), {
    name: "TA1",
    value: 0x11,
    meaning: "Fi = 372, Di = 1",
  });
});

withCard("send: responses, status words and their meaning", async () => {
  const ran = await cli(["send", SELECT, "00A4040002AABB", "--reader", READER1]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^< 6F .* 90 00 {2}normal processing$/m);
  assert.match(ran.stdout, /^< 6A 82 {2}checking error: File not found$/m);
  const json = (await cli(["send", "00 84 00 00 08", "--json"])).stdout.trim().split("\n").map((
    l,
  ) => JSON.parse(l));
  assert.equal(json.length, 1);
  assert.equal(json[0].sw, "90 00");
  assert.equal(json[0].response.split(" ").length, 8);
});

withCard("send --t0: 61xx answered with GET RESPONSE", async () => {
  const plain = await cli(["send", "00CA000000"]);
  assert.match(plain.stdout, /^< 61 28 {2}normal processing: 40 bytes still available$/m);
  const ran = await cli(["send", "00CA000000", "--t0", "--json"]);
  const [result] = ran.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(result.sw, "90 00");
  assert.equal(result.response.split(" ").length, 40);
}, T0_CARD);

withCard("script: comments, expected answers checked, a mismatch fails with its line", async () => {
  const file = await Deno.makeTempFile({ suffix: ".txt" });
  try {
    await Deno.writeTextFile(
      file,
      [
        "# select the test application, then ask for a challenge",
        `${SELECT} = .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. .. 90 00`,
        "00 84 00 00 08 = 90 00   # any 8 bytes",
        "",
        "00 A4 04 00 02 AA BB = 90 00",
      ].join("\n"),
    );
    const ran = await cli(["script", file]);
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stdout, /^ {2}line 5: expected 90 00$/m);
    assert.match(ran.stdout, /^1 of 3 not as expected$/m);
    await Deno.writeTextFile(file, "00 84 00 00 04 = 90 00\n");
    const ok = await cli(["script", file, "--json"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout.trim().split("\n").at(-1)!), { steps: 1, failed: 0 });
  } finally {
    await Deno.remove(file);
  }
});

onStack("list and atr name a contactless storage card from PC/SC Part 3", async () => {
  const mifare = [0x3b, 0x8f, 0x80, 0x01, 0x80, 0x4f, 0x0c, 0xa0, 0x00, 0x00, 0x03, 0x06];
  const atr = [...mifare, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6a];
  await using card = stack.card({ atr, reader: 0 });
  await card.insert();
  await cardPresent(READER0);
  const part3 = "Mifare Standard 1K (PC/SC Part 3, ISO 14443 A, part 3)";
  const listed = await cli(["list"]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    new RegExp(`^0  ${READER0}  card .*\n(?: {5}.*\n)* {5}${escape(part3)}$`, "m"),
  );
  const json = JSON.parse((await cli(["list", "--json"])).stdout);
  assert.equal(json.readers[0].names.at(-1), part3);
  const explained = await cli(["atr", "--reader", "0"]);
  assert.equal(explained.code, 0, explained.stderr);
  assert.match(explained.stdout, /^ {2}category indicator 80: an application identifier, BER-TLV/m);
  assert.match(
    explained.stdout,
    /^ {7}RID A0 00 00 03 06 \(PC\/SC workgroup\), standard 03, card name 00 01$/m,
  );
  assert.match(explained.stdout, /^possibly identified card/m);
  assert.match(explained.stdout, new RegExp(`^  ${escape(part3)}$`, "m"));
  await card.remove();
  await cardPresent(READER0, false);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

withCard("atr: the historical bytes decoded, and no name without a match", async () => {
  const ran = await cli([
    "atr",
    "3B DC 18 FF 81 91 FE 1F C3 80 73 C8 21 13 66 01 06 11 59 00 01 28",
  ]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(ran.stdout, /^ {4}73 tag 7 \(card capabilities\), 3 bytes$/m);
  assert.match(ran.stdout, /^ {7}logical channels: assigned by the card, at most 4$/m);
  const json = JSON.parse((await cli(["atr", "3B 02 54 30", "--json"])).stdout);
  assert.deepEqual(json.historical, [
    "category indicator 54: proprietary format",
    '  as text: "T0"',
  ]);
  assert.ok(Array.isArray(json.names));
});

withCard(
  "send and script check every APDU before sending the first: exit 2, nothing sent",
  async () => {
    const bad = "00 A4 04 00 05 A0 00"; // Lc 5, two data bytes
    oneLine(
      await cli(["send", SELECT, "00 84 00 00 08", bad, "--reader", READER1]),
      2,
      /^usage error: APDU 3 \(00 A4 04 00 05 A0 00\) fits no ISO 7816-4 case: its Lc \(5th byte\) is 5 but 2 bytes follow it.*nothing was sent/,
    );
    oneLine(await cli(["send", "00 B0 00 00 00 01"]), 2, /^usage error: APDU 1 .*truncated/);
    oneLine(
      await cli(["send", "00 A4 04"]),
      2,
      /^usage error: APDU 1 \(00 A4 04\) is 3 bytes long/,
    );
    const file = await Deno.makeTempFile({ suffix: ".txt" });
    try {
      await Deno.writeTextFile(
        file,
        `${SELECT} = 90 00\n00 84 00 00 08\n00 D6 00 00 00 00 02 01\n`,
      );
      oneLine(
        await cli(["script", file]),
        2,
        new RegExp(
          `^usage error: ${file}:3: the APDU \\(00 D6 .*\\) fits no ISO 7816-4 case: its extended Lc`,
        ),
      );
    } finally {
      await Deno.remove(file);
    }
  },
  undefined,
  async (card) => assert.deepEqual(await card.apduLog(), []),
);

withCard("send --raw: bytes no ISO case fits go to the card, with a note saying so", async () => {
  const ran = await cli(["send", "--raw", "00 30 00 00 05 AA BB", "--reader", READER1]);
  assert.equal(ran.code, 0, ran.stderr);
  assert.match(
    ran.stderr,
    /^note: --raw: APDU 1 \(00 30 00 00 05 AA BB\) fits no ISO 7816-4 case; sent as given$/m,
  );
  // the test card checks the shape of what INS 30 gets, and says so with 67 00
  assert.match(ran.stdout, /^> 00 30 00 00 05 AA BB$/m);
  assert.match(ran.stdout, /^< 67 00 /m);
  oneLine(await cli(["atr", "--raw"]), 2, /^usage error: --raw is for send and script/);
});

onStack(
  "watch --json: readers and cards coming and going, one object a line, until Ctrl-C",
  async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "watch", "--json"],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const output = new OutputLines(child.stdout);
    const errors = new Response(child.stderr).text();
    // its first lines: the readers it found, so it is watching
    await output.line(/"reader-added"/);
    {
      await using card = stack.card({ atr: ATR_T1, reader: 0 });
      await card.insert();
      await output.line(/"card-inserted"/);
      await card.remove();
      await output.line(/"card-removed"/);
      await cardPresent(READER0, false);
    }
    child.kill("SIGINT");
    const [{ code }, stdout] = await Promise.all([child.status, output.text()]);
    assert.equal(code, 0, await errors);
    const events = stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => [e.event, e.reader]), [
      ["reader-added", READER0],
      ["reader-added", READER1],
      ["card-inserted", READER0],
      ["card-removed", READER0],
    ]);
    assert.ok(events.every((e) => !Number.isNaN(Date.parse(e.time))));
  },
);

onStack(
  "errors are one line with an exit code: wrong reader, no card, bad hex, no service",
  async () => {
    oneLine(
      await cli(["send", "00A4040000", "--reader", "Nope"]),
      2,
      /^usage error: no reader "Nope"/,
    );
    oneLine(await cli(["send", "00A4040000", "--reader", "0"]), 1, /^error: .*\(0x8010000C\)$/);
    oneLine(await cli(["send", "00A404ZZ"]), 2, /^usage error: APDU 1 is not hex bytes/);
    oneLine(await cli(["frobnicate"]), 2, /^usage error: unknown command frobnicate/);
    const gone = await cli(["list"], { PCSCLITE_CSOCK_NAME: "/nonexistent/pcscd.comm" });
    oneLine(gone, 1, /^error: .*\(0x8010001D\) No PC\/SC service \(pcscd\) answers\./);
  },
);

onStack("--help on every command", async () => {
  for (const command of ["list", "watch", "atr", "send", "script"]) {
    const ran = await cli([command, "--help"]);
    assert.equal(ran.code, 0);
    assert.match(ran.stdout, new RegExp(`^usage: .* ${command}`, "m"));
  }
  assert.match((await cli(["--help"])).stdout, /^commands:$/m);
});
