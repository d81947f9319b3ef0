// Naming a card from its ATR: the list's pattern rules on a list written here, then the
// installed pcsc-tools list cross-checked against pcsc-tools' own ATR_analysis (both skip,
// saying so, where pcsc-tools is not installed), and PC/SC Part 3 names with no list at all.
import assert from "node:assert/strict";
import { identifyAtr, SmartcardList, smartcardListPaths } from "../../src/atr/card_list.ts";
import { toBytes } from "../../src/smartcard/util.ts";

// A list in pcsc-tools' format, made up for this test (not taken from the real list).
const LIST = [
  "# a comment",
  "",
  "3B 02 14 50",
  "\tExact card",
  "\thttps://example.org/exact",
  "3B 02 .. 50",
  "\tAny third byte",
  "3B 65 00 00 9C 1[01] 01 01 03",
  "\tA choice of nibble",
  "3B 8F 80 01 .*",
  "\tAnything contactless",
  "3B 02 14",
  "\tA prefix (must not match the longer ATR)",
  "3B (((",
  "\tNot a pattern JavaScript can read",
].join("\n");

const MIFARE_1K = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A";

Deno.test("SmartcardList matches patterns as ATR_analysis does: .. any byte, anchored, every entry", () => {
  const list = SmartcardList.parse(LIST, "test list");
  assert.equal(list.entries.length, 6);
  assert.deepEqual(list.match(toBytes("3B 02 14 50")).map((e) => e.descriptions), [
    ["Exact card", "https://example.org/exact"],
    ["Any third byte"],
  ]);
  assert.deepEqual(list.match(toBytes("3B 02 99 50")).map((e) => e.pattern), ["3B 02 .. 50"]);
  assert.deepEqual(list.match(toBytes("3b6500009c11010103")).map((e) => e.pattern), [
    "3B 65 00 00 9C 1[01] 01 01 03",
  ]);
  assert.deepEqual(list.match(toBytes("3B 65 00 00 9C 12 01 01 03")), []);
  assert.deepEqual(list.match(toBytes("3B 02 14 50 00")), []); // no prefix match
  assert.deepEqual(list.match(toBytes(MIFARE_1K)).map((e) => e.pattern), ["3B 8F 80 01 .*"]);
  assert.deepEqual(list.match(toBytes("3B 02")), []);
});

Deno.test("identifyAtr adds Part 3's name for a contactless storage card, list or not", () => {
  const none = identifyAtr(toBytes(MIFARE_1K), { list: null });
  assert.deepEqual(none.names, ["Mifare Standard 1K (PC/SC Part 3, ISO 14443 A, part 3)"]);
  assert.equal(none.part3?.cardName, 0x0001);
  assert.equal(none.list, null);
  assert.equal(none.hint, null); // no list was asked for
  const listed = identifyAtr(toBytes(MIFARE_1K), { list: SmartcardList.parse(LIST, "test") });
  assert.deepEqual(listed.names, [
    "Anything contactless",
    "Mifare Standard 1K (PC/SC Part 3, ISO 14443 A, part 3)",
  ]);
  assert.equal(listed.list, "test");
  assert.equal(listed.atr, MIFARE_1K);
  assert.deepEqual(identifyAtr(toBytes("3B 02 14 50"), { list: null }).names, []);
  assert.throws(() => identifyAtr([0x3b, 999]), RangeError);
  assert.throws(
    () => identifyAtr(toBytes("3B 02"), { list: "/nonexistent/smartcard_list.txt" }),
    Deno.errors.NotFound,
  );
});

const SYSTEM_LIST = "/usr/share/pcsc/smartcard_list.txt";
const systemList = await Deno.stat(SYSTEM_LIST).then(() => true, () => false);
// ATR_analysis is a Perl script: only a Linux Deno runs it (the unit tests also run under Wine)
const atrAnalysis = Deno.build.os === "linux" &&
  await Deno.stat("/usr/bin/ATR_analysis").then(() => true, () => false);
const skip = (why: string) => ` (skipped: ${why}; apt-get install pcsc-tools)`;

Deno.test({
  name: "identifyAtr names cards from the installed pcsc-tools list" +
    (systemList ? "" : skip(`${SYSTEM_LIST} is absent`)),
  ignore: !systemList,
  fn() {
    assert.ok(smartcardListPaths().includes(SYSTEM_LIST));
    const found = identifyAtr(toBytes(MIFARE_1K), { list: SYSTEM_LIST });
    assert.equal(found.list, SYSTEM_LIST);
    assert.equal(found.hint, null);
    assert.ok(found.matches.length >= 1);
    assert.ok(found.names.some((n) => /MIFARE Classic 1K/i.test(n)), found.names.join("\n"));
  },
});

/** The description lines ATR_analysis prints for `atr`, read with the system list only. */
async function atrAnalysisNames(atr: string): Promise<string[]> {
  const home = await Deno.makeTempDir({ prefix: "atr-analysis-" });
  try {
    // an empty HOME leaves it the system list, as identifyAtr is given here
    const { stdout } = await new Deno.Command("ATR_analysis", {
      args: [atr],
      env: { HOME: home, XDG_CACHE_HOME: `${home}/.cache`, PATH: "/usr/bin:/bin" },
      clearEnv: true,
    }).output();
    // deno-lint-ignore no-control-regex
    const text = new TextDecoder().decode(stdout).replace(/\x1b\[[0-9;]*m/g, "");
    const after = text.split("Possibly identified card")[1] ?? "";
    return after.split("\n").filter((l) => l.startsWith("\t") && l.trim() !== "NONE")
      .map((l) => l.trim());
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test({
  name: "identifyAtr finds the same descriptions as pcsc-tools' ATR_analysis" +
    (systemList && atrAnalysis ? "" : skip("pcsc-tools' list or ATR_analysis is absent")),
  ignore: !systemList || !atrAnalysis,
  async fn() {
    const atrs = [
      MIFARE_1K,
      "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 03 00 00 00 00 68",
      "3B DC 18 FF 81 91 FE 1F C3 80 73 C8 21 13 66 01 06 11 59 00 01 28",
      "3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4",
      "3B 02 14 50",
    ];
    let named = 0;
    for (const atr of atrs) {
      const expected = await atrAnalysisNames(atr);
      const found = identifyAtr(toBytes(atr), { list: SYSTEM_LIST });
      assert.deepEqual(found.matches.flatMap((m) => m.descriptions), expected, atr);
      if (expected.length) named++;
    }
    assert.ok(named >= 3, `only ${named} of the ATRs are in the list`);
  },
});
