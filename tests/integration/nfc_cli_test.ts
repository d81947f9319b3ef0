/**
 * The card utility's `nfc` commands, run as a subprocess against the virtual NTAG: uid, read
 * (in words and --json), write (--url, --text, --json FILE), lock (--yes, and the refusal
 * without a terminal), and their one-line errors with exit codes 1 and 2.
 */

import assert from "node:assert/strict";
import { READER_NAMES, virtualNtag } from "../../src/testing/mod.ts";
import { stackFixture } from "../support/fixture.ts";
import "../../src/testing/library.ts";
import { cardPresent } from "../../src/testing/presence.ts";

const { stack, onStack } = await stackFixture({
  after: async (stack) => {
    if (!stack.running) return;
    for (const reader of READER_NAMES) await cardPresent(reader, false);
  },
});
const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const UID = [0x04, 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6];

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

function oneLine(
  ran: { code: number; stderr: string; stdout: string },
  code: number,
  pattern: RegExp,
) {
  assert.equal(ran.code, code, ran.stdout + ran.stderr);
  assert.equal(ran.stderr.trim().split("\n").length, 1, ran.stderr);
  assert.match(ran.stderr, pattern);
}

onStack("nfc uid, write --url, read in words and as JSON", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG215", uid: UID });
  await tag.insert();
  await tag.waitPresent();
  const uid = await cli("nfc", "uid");
  assert.deepEqual([uid.code, uid.stdout], [0, "04 A1 B2 C3 D4 E5 F6\n"]);
  const uidJson = JSON.parse((await cli("nfc", "uid", "--json")).stdout);
  assert.deepEqual([uidJson.serialNumber, uidJson.type], ["04:a1:b2:c3:d4:e5:f6", "type2"]);
  assert.equal((await cli("nfc", "read")).stdout, "Type 2 tag, 0 of 492 bytes\nno records\n");
  assert.equal((await cli("nfc", "write", "--url", "https://example.com/a")).code, 0);
  assert.equal(
    (await cli("nfc", "read")).stdout,
    "Type 2 tag, 18 of 492 bytes\nurl: https://example.com/a\n",
  );
  const file = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        records: [
          { recordType: "text", data: "hallo", lang: "de" },
          { recordType: "mime", mediaType: "application/x-demo", data: [1, 2, 3] },
          { recordType: "example.com:box", data: { records: [{ recordType: ":n", data: [7] }] } },
        ],
      }),
    );
    assert.equal((await cli("nfc", "write", "--json", file)).code, 0);
  } finally {
    await Deno.remove(file);
  }
  assert.equal(
    (await cli("nfc", "read")).stdout.split("\n").slice(1).join("\n"),
    'text (de, utf-8): "hallo"\nmime application/x-demo: 3 bytes\nexample.com:box: 5 bytes\n  :n: 1 bytes\n',
  );
  const json = JSON.parse((await cli("nfc", "read", "--json")).stdout);
  assert.deepEqual(json.records[0], {
    recordType: "text",
    mediaType: null,
    id: null,
    encoding: "utf-8",
    lang: "de",
    data: "68 61 6C 6C 6F",
    text: "hallo",
  });
  assert.equal((await cli("nfc", "write", "--text", "plain")).code, 0);
  assert.match((await cli("nfc", "read")).stdout, /text \(en, utf-8\): "plain"/);
});

onStack("nfc lock: refused without a terminal and --yes; done with --yes", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG213" });
  await tag.insert();
  await tag.waitPresent();
  oneLine(
    await cli("nfc", "lock"),
    2,
    /^usage error: nfc lock makes the tag read-only for ever: pass --yes/,
  );
  assert.deepEqual(await tag.pages(3, 1), [0xe1, 0x10, 0x12, 0x00]);
  assert.equal((await cli("nfc", "lock", "--yes")).code, 0);
  assert.deepEqual(await tag.pages(3, 1), [0xe1, 0x10, 0x12, 0x0f]);
  oneLine(
    await cli("nfc", "write", "--text", "x"),
    1,
    /^error: NotAllowedError: the tag is read-only/,
  );
  assert.match((await cli("nfc", "read")).stdout, /read-only/);
});

onStack("nfc usage errors: exit 2 and one line", async () => {
  oneLine(await cli("nfc"), 2, /^usage error: nfc needs uid, read, write or lock/);
  oneLine(await cli("nfc", "write"), 2, /exactly one of --url, --text and --json FILE/);
  oneLine(await cli("nfc", "write", "--url", "not a url"), 2, /the message: .*not a URL/);
  oneLine(await cli("nfc", "read", "--url", "https://a/"), 2, /are for nfc write/);
  oneLine(await cli("list", "--yes"), 2, /--yes is for nfc lock/);
});

onStack(
  "the NFC examples: write a URL to the tag present, then read it as the tag is seen",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG213", uid: UID });
    await tag.insert();
    await tag.waitPresent();
    const run = async (example: string, ...args: string[]) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-ffi",
          new URL(`../../examples/${example}`, import.meta.url).pathname,
          ...args,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      return {
        code: out.code,
        text: new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr),
      };
    };
    const written = await run("nfc_write_url.ts", "https://example.net/tag");
    assert.deepEqual([written.code, written.text.trim().split("\n").at(-1)], [0, "written"]);
    // the tag is there when the scan starts: it is reported at once; the run ends after 3 s
    const read = await run("nfc_read_tags.ts", "3");
    assert.equal(read.code, 0, read.text);
    assert.match(
      read.text,
      /tag 04:a1:b2:c3:d4:e5:f6: 1 record\(s\)\n {2}url: "https:\/\/example\.net\/tag"/,
    );
  },
);
