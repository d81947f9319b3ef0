// pyscard 2.3's test/test_ATR.py, ported: the same ATRs and the same expectations, with our
// names (null for None, a getter for the deprecated hasTA..hasTD, dump() on the console).
// The vectors file holds pyscard 2.3.1's own reading of 400 generated ATRs (fields and
// render()), produced by running pyscard; every one must read the same here.
import assert from "node:assert/strict";
import { ATR, SmartcardException, toBytes } from "../../../mod.ts";

function dumped(atr: ATR): string {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    atr.dump();
  } finally {
    console.log = log;
  }
  return lines.join("\n") + "\n";
}

const DUMPS: [string, number[], string][] = [
  [
    "test_atr1",
    [0x3F, 0x65, 0x25, 0x00, 0x2C, 0x09, 0x69, 0x90, 0x00],
    `TB1: 25
TC1: 0
supported protocols T=0
T=0 supported: True
T=1 supported: False
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 50
\tprogramming voltage: 30
\tguard time: 0
nb of interface bytes: 2
nb of historical bytes: 5
`,
  ],
  [
    "test_atr2",
    [0x3F, 0x65, 0x25, 0x08, 0x93, 0x04, 0x6C, 0x90, 0x00],
    `TB1: 25
TC1: 8
supported protocols T=0
T=0 supported: True
T=1 supported: False
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 50
\tprogramming voltage: 30
\tguard time: 8
nb of interface bytes: 2
nb of historical bytes: 5
`,
  ],
  [
    "test_atr3",
    [0x3B, 0x16, 0x94, 0x7C, 0x03, 0x01, 0x00, 0x00, 0x0D],
    `TA1: 94
supported protocols T=0
T=0 supported: True
T=1 supported: False
\tclock rate conversion factor: 512
\tbit rate adjustment factor: 8
\tmaximum programming current: 50
\tprogramming voltage: 5
\tguard time: None
nb of interface bytes: 1
nb of historical bytes: 6
`,
  ],
  [
    "test_atr4",
    [0x3B, 0x65, 0x00, 0x00, 0x9C, 0x11, 0x01, 0x01, 0x03],
    `TB1: 0
TC1: 0
supported protocols T=0
T=0 supported: True
T=1 supported: False
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 25
\tprogramming voltage: 5
\tguard time: 0
nb of interface bytes: 2
nb of historical bytes: 5
`,
  ],
  [
    "test_atr5",
    [0x3B, 0xE3, 0x00, 0xFF, 0x81, 0x31, 0x52, 0x45, 0xA1, 0xA2, 0xA3, 0x1B],
    `TB1: 0
TC1: ff
TD1: 81
TD2: 31
TA3: 52
TB3: 45
supported protocols T=1
T=0 supported: False
T=1 supported: True
checksum: 27
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 25
\tprogramming voltage: 5
\tguard time: 255
nb of interface bytes: 6
nb of historical bytes: 3
`,
  ],
  [
    "test_atr6",
    [0x3B, 0xE5, 0x00, 0x00, 0x81, 0x21, 0x45, 0x9C, 0x10, 0x01, 0x00, 0x80, 0x0D],
    `TB1: 0
TC1: 0
TD1: 81
TD2: 21
TB3: 45
supported protocols T=1
T=0 supported: False
T=1 supported: True
checksum: 13
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 25
\tprogramming voltage: 5
\tguard time: 0
nb of interface bytes: 5
nb of historical bytes: 5
`,
  ],
];

for (const [name, bytes, out] of DUMPS) {
  Deno.test(`pyscard ${name}: dump() prints what pyscard 2.3 prints`, () => {
    assert.equal(dumped(new ATR(bytes)), out);
  });
}

Deno.test("pyscard test_invalid_ts: a TS other than 3B or 3F is refused, naming it", () => {
  for (const ts of ["0x42", "0xaa", "0x00"]) {
    assert.throws(
      () => new ATR([parseInt(ts.slice(2), 16), 0x00]),
      (e: unknown) => e instanceof SmartcardException && e.message.includes(`invalid TS ${ts}`),
    );
  }
});

Deno.test("pyscard test_atr_get: the accessors and str()", () => {
  const text = "3B F2 95 12 34 01 36 06";
  const a = new ATR(toBytes(text));
  assert.equal(a.getTA1(), 0x95);
  assert.equal(a.getTB1(), 0x12);
  assert.equal(a.getTC1(), 0x34);
  assert.equal(a.getTD1(), 0x01);
  assert.deepEqual(a.getHistoricalBytes(), [0x36, 0x06]);
  assert.equal(a.isT15Supported(), false);
  assert.equal(String(a), text);
});

Deno.test("pyscard test_map_lengths: the Fi and Di tables have 16 entries", () => {
  assert.equal(ATR.clockrateconversion.length, 16);
  assert.equal(ATR.bitratefactor.length, 16);
});

Deno.test("pyscard test_invalid_atr_lengths: fewer than 2 bytes is refused", () => {
  for (const atr of [[], [0x3B]]) {
    assert.throws(
      () => new ATR(atr),
      (e: unknown) => e instanceof SmartcardException && e.message.includes("at least 2 bytes"),
    );
  }
});

Deno.test("pyscard test_2_bytes: an empty ATR parses, with the defaults", () => {
  for (const ts of [0x3B, 0x3F]) {
    const atr = new ATR([ts, 0b0000_0000]);
    assert.equal(atr.getTA1(), null);
    assert.equal(atr.getTB1(), null);
    assert.equal(atr.II, null);
    assert.equal(atr.PI1, null);
    assert.equal(atr.getTC1(), null);
    assert.equal(atr.getTD1(), null);
    assert.equal(atr.getChecksum(), null);
    assert.equal(atr.getGuardTime(), null);
    assert.equal(atr.getHistoricalBytesCount(), 0);
    assert.deepEqual(atr.getHistoricalBytes(), []);
    assert.equal(atr.getInterfaceBytesCount(), 0);
    assert.equal(atr.getBitRateFactor(), 1);
    assert.equal(atr.getClockRateConversion(), 372);
    assert.equal(atr.getProgrammingCurrent(), 50);
    assert.equal(atr.getProgrammingVoltage(), 5);
    assert.equal(Object.keys(atr.getSupportedProtocols()).length, 1);
    assert.ok("T=0" in atr.getSupportedProtocols());
    assert.equal(atr.isT0Supported(), true);
    assert.equal(atr.isT1Supported(), false);
    assert.equal(atr.isT15Supported(), false);
    assert.equal(
      atr.render(),
      [
        "supported protocols T=0",
        "T=0 supported: True",
        "T=1 supported: False",
        "\tclock rate conversion factor: 372",
        "\tbit rate adjustment factor: 1",
        "\tmaximum programming current: 50",
        "\tprogramming voltage: 5",
        "\tguard time: None",
        "nb of interface bytes: 0",
        "nb of historical bytes: 0",
      ].join("\n"),
    );
    assert.deepEqual(atr.hasTA, [false]);
    assert.deepEqual(atr.hasTB, [false]);
    assert.deepEqual(atr.hasTC, [false]);
    assert.deepEqual(atr.hasTD, [false]);
  }
});

Deno.test("pyscard test_only_ta1", () => {
  const atr = new ATR([0x3B, 0b0001_0000, 0xA7]);
  assert.deepEqual(atr.TA, [0xA7]);
  assert.ok(atr.render().includes("TA1: a7\n"));
  assert.deepEqual(atr.hasTA, [true]);
  assert.equal(atr.getClockRateConversion(), 768);
  assert.equal(atr.getBitRateFactor(), 64);
  assert.deepEqual([atr.TB, atr.TC, atr.TD], [[null], [null], [null]]);
  assert.equal(atr.N, null);
  assert.equal(atr.getInterfaceBytesCount(), 1);
  assert.equal(atr.getHistoricalBytesCount(), 0);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("pyscard test_only_tb1", () => {
  const atr = new ATR([0x3B, 0b0010_0000, 0b0_10_11111]);
  assert.deepEqual(atr.TB, [0b0_10_11111]);
  assert.ok(atr.render().includes("TB1: 5f\n"));
  assert.deepEqual(atr.hasTB, [true]);
  assert.equal(atr.II, 0b10);
  assert.equal(atr.PI1, 0b11111);
  assert.notEqual(atr.getProgrammingVoltage(), 5);
  assert.notEqual(atr.getProgrammingCurrent(), 50);
  assert.deepEqual([atr.TA, atr.TC, atr.TD], [[null], [null], [null]]);
  assert.equal(atr.N, null);
  assert.equal(atr.getInterfaceBytesCount(), 1);
  assert.equal(atr.getHistoricalBytesCount(), 0);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("pyscard test_only_tc1", () => {
  const atr = new ATR([0x3B, 0b0100_0000, 0xC1]);
  assert.deepEqual(atr.TC, [0xC1]);
  assert.ok(atr.render().includes("TC1: c1\n"));
  assert.deepEqual(atr.hasTC, [true]);
  assert.equal(atr.N, 0xC1);
  assert.deepEqual([atr.TA, atr.TB, atr.TD], [[null], [null], [null]]);
  assert.equal(atr.getInterfaceBytesCount(), 1);
  assert.equal(atr.getHistoricalBytesCount(), 0);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("pyscard test_only_td1", () => {
  const atr = new ATR([0x3B, 0b1000_0000, 0x00]);
  assert.deepEqual(atr.TD, [0x00, null]);
  assert.equal(atr.isT0Supported(), true);
  assert.equal(atr.isT1Supported(), false);
  assert.equal(atr.isT15Supported(), false);
  assert.ok(atr.render().includes("TD1: 0\n"));
  assert.deepEqual(atr.hasTD, [true, false]);
  assert.deepEqual([atr.TA, atr.TB, atr.TC], [[null, null], [null, null], [null, null]]);
  assert.equal(atr.N, null);
  assert.equal(atr.getHistoricalBytesCount(), 0);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("pyscard test_historical_bytes", () => {
  const history = Array.from({ length: 15 }, (_, i) => i);
  const atr = new ATR([0x3B, 0x0F, ...history]);
  assert.equal(atr.K, 15);
  assert.equal(atr.getHistoricalBytesCount(), 15);
  assert.deepEqual(atr.getHistoricalBytes(), history);
  assert.deepEqual([atr.TA, atr.TB, atr.TC, atr.TD], [[null], [null], [null], [null]]);
  assert.equal(atr.N, null);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("pyscard test_valid_checksums: a trailing byte is TCK, even for T=0 alone", () => {
  for (const ts of [0x3B, 0x3F]) {
    for (const bytes of [[0x00, 0x00], [0x01, 0xFE, 0xFF]]) {
      const atr = new ATR([ts, ...bytes]);
      assert.equal(atr.hasChecksum, true);
      assert.equal(atr.checksumOK, true);
      assert.equal(atr.getChecksum(), bytes.at(-1));
      assert.ok(atr.render().includes(`checksum: ${bytes.at(-1)}\n`));
    }
  }
});

Deno.test("pyscard test_invalid_checksums", () => {
  for (const ts of [0x3B, 0x3F]) {
    for (const bytes of [[0x00, 0x01], [0x01, 0xFE, 0x0]]) {
      const atr = new ATR([ts, ...bytes]);
      assert.equal(atr.hasChecksum, true);
      assert.equal(atr.checksumOK, false);
      assert.equal(atr.getChecksum(), bytes.at(-1));
      assert.ok(atr.render().includes(`checksum: ${bytes.at(-1)!.toString(16)}\n`));
    }
  }
});

interface Vector {
  atr: string;
  TA: (number | null)[];
  TB: (number | null)[];
  TC: (number | null)[];
  TD: (number | null)[];
  historical: number[];
  TCK: number | null;
  hasChecksum: boolean;
  checksumOK: boolean | null;
  interfaceBytesCount: number;
  protocols: string[];
  render: string;
}

Deno.test("400 ATRs read as pyscard 2.3.1 reads them: fields, TCK, checksumOK and render()", async () => {
  const { vectors } = JSON.parse(
    await Deno.readTextFile(new URL("./atr_vectors.json", import.meta.url)),
  ) as { vectors: Vector[] };
  assert.equal(vectors.length, 400);
  for (const want of vectors) {
    const atr = new ATR(toBytes(want.atr));
    const got = {
      atr: String(atr),
      TA: atr.TA,
      TB: atr.TB,
      TC: atr.TC,
      TD: atr.TD,
      historical: atr.getHistoricalBytes(),
      TCK: atr.getChecksum(),
      hasChecksum: atr.hasChecksum,
      checksumOK: atr.checksumOK,
      interfaceBytesCount: atr.getInterfaceBytesCount(),
      protocols: Object.keys(atr.getSupportedProtocols()),
      render: atr.render(),
    };
    assert.deepEqual(got, want, want.atr);
  }
});

Deno.test("console.log(atr) prints what pyscard's print(atr) prints", () => {
  const atr = new ATR([0x3B, 0x02, 0x14, 0x50]);
  assert.equal(Deno.inspect(atr), "3B 02 14 50");
});
