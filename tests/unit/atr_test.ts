// ATR parsing (ISO 7816-3 section 8): real-world ATRs, pyscard's test cases and render
// output, and malformed ATRs refused with a SmartcardException naming what is wrong.
import assert from "node:assert/strict";
import { ATR } from "../../src/atr/atr.ts";
import { SmartcardException } from "../../src/smartcard/errors/exceptions.ts";
import { toBytes } from "../../src/smartcard/util.ts";

/** What a real ATR holds, worked out by hand from ISO 7816-3 (null: absent). */
interface Expected {
  readonly atr: string;
  readonly card: string;
  readonly TA: (number | null)[];
  readonly TB: (number | null)[];
  readonly TC: (number | null)[];
  readonly TD: (number | null)[];
  readonly historical: string;
  readonly TCK: number | null;
  readonly protocols: string[];
  readonly Fi: number;
  readonly Di: number;
  readonly guardTime: number | null;
  readonly interfaceBytes: number;
}

const _ = null;

const REAL_ATRS: Expected[] = [
  {
    atr: "3F 65 25 00 2C 09 69 90 00",
    card: "French bank card, inverse convention (pyscard test_atr1)",
    TA: [_],
    TB: [0x25],
    TC: [0x00],
    TD: [_],
    historical: "2C 09 69 90 00",
    TCK: null,
    protocols: ["T=0"],
    Fi: 372,
    Di: 1,
    guardTime: 0,
    interfaceBytes: 2,
  },
  {
    atr: "3F 65 25 08 93 04 6C 90 00",
    card: "French bank card (pyscard test_atr2)",
    TA: [_],
    TB: [0x25],
    TC: [0x08],
    TD: [_],
    historical: "93 04 6C 90 00",
    TCK: null,
    protocols: ["T=0"],
    Fi: 372,
    Di: 1,
    guardTime: 8,
    interfaceBytes: 2,
  },
  {
    atr: "3B 16 94 7C 03 01 00 00 0D",
    card: "pyscard test_atr3 (TA1 only)",
    TA: [0x94],
    TB: [_],
    TC: [_],
    TD: [_],
    historical: "7C 03 01 00 00 0D",
    TCK: null,
    protocols: ["T=0"],
    Fi: 512,
    Di: 8,
    guardTime: null,
    interfaceBytes: 1,
  },
  {
    atr: "3B 65 00 00 9C 11 01 01 03",
    card: "pyscard test_atr4",
    TA: [_],
    TB: [0x00],
    TC: [0x00],
    TD: [_],
    historical: "9C 11 01 01 03",
    TCK: null,
    protocols: ["T=0"],
    Fi: 372,
    Di: 1,
    guardTime: 0,
    interfaceBytes: 2,
  },
  {
    atr: "3B E3 00 FF 81 31 52 45 A1 A2 A3 1B",
    card: "pyscard test_atr5 (T=1, TA3 TB3)",
    TA: [_, _, 0x52],
    TB: [0x00, _, 0x45],
    TC: [0xff, _, _],
    TD: [0x81, 0x31, _],
    historical: "A1 A2 A3",
    TCK: 0x1b,
    protocols: ["T=1"],
    Fi: 372,
    Di: 1,
    guardTime: 255,
    interfaceBytes: 6,
  },
  {
    atr: "3B E5 00 00 81 21 45 9C 10 01 00 80 0D",
    card: "pyscard test_atr6 (T=1, TB3)",
    TA: [_, _, _],
    TB: [0x00, _, 0x45],
    TC: [0x00, _, _],
    TD: [0x81, 0x21, _],
    historical: "9C 10 01 00 80",
    TCK: 0x0d,
    protocols: ["T=1"],
    Fi: 372,
    Di: 1,
    guardTime: 0,
    interfaceBytes: 5,
  },
  {
    atr: "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40",
    card: "YubiKey 5 NFC",
    TA: [0x13, _, 0xfe],
    TB: [0x00, _, 0x15],
    TC: [0x00, _, _],
    TD: [0x81, 0x31, _],
    historical: "80 73 C0 21 C0 57 59 75 62 69 4B 65 79",
    TCK: 0x40,
    protocols: ["T=1"],
    Fi: 372,
    Di: 4,
    guardTime: 0,
    interfaceBytes: 7,
  },
  {
    atr: "3B DB 96 00 80 B1 FE 45 1F 83 00 12 23 3F 53 65 49 44 0F 90 00 F1",
    card: "Estonian ID card (IDEMIA, 2018)",
    TA: [0x96, _, 0xfe, 0x83],
    TB: [_, _, 0x45, _],
    TC: [0x00, _, _, _],
    TD: [0x80, 0xb1, 0x1f, _],
    historical: "00 12 23 3F 53 65 49 44 0F 90 00",
    TCK: 0xf1,
    protocols: ["T=0", "T=1", "T=15"],
    Fi: 512,
    Di: 32,
    guardTime: 0,
    interfaceBytes: 8,
  },
  {
    atr: "3B DA 18 FF 81 B1 FE 75 1F 03 00 31 C5 73 C0 01 40 00 90 00 0C",
    card: "OpenPGP card v2",
    TA: [0x18, _, 0xfe, 0x03],
    TB: [_, _, 0x75, _],
    TC: [0xff, _, _, _],
    TD: [0x81, 0xb1, 0x1f, _],
    historical: "00 31 C5 73 C0 01 40 00 90 00",
    TCK: 0x0c,
    protocols: ["T=1", "T=15"],
    Fi: 372,
    Di: 12,
    guardTime: 255,
    interfaceBytes: 8,
  },
  {
    atr: "3B 98 13 40 0A A5 03 01 01 01 AD 13 11",
    card: "Belgian eID card (TC2, T=0 only)",
    TA: [0x13, _],
    TB: [_, _],
    TC: [_, 0x0a],
    TD: [0x40, _],
    historical: "A5 03 01 01 01 AD 13 11",
    TCK: null,
    protocols: ["T=0"],
    Fi: 372,
    Di: 4,
    guardTime: null,
    interfaceBytes: 3,
  },
  {
    atr: "3B 7F 96 00 00 80 31 80 65 B0 85 05 00 39 12 0F FE 82 90 00",
    card: "Thales IDPrime 940C",
    TA: [0x96],
    TB: [0x00],
    TC: [0x00],
    TD: [_],
    historical: "80 31 80 65 B0 85 05 00 39 12 0F FE 82 90 00",
    TCK: null,
    protocols: ["T=0"],
    Fi: 512,
    Di: 32,
    guardTime: 0,
    interfaceBytes: 3,
  },
  {
    atr: "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A",
    card: "MIFARE Classic 1K through a PC/SC contactless reader",
    TA: [_, _, _],
    TB: [_, _, _],
    TC: [_, _, _],
    TD: [0x80, 0x01, _],
    historical: "80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00",
    TCK: 0x6a,
    protocols: ["T=0", "T=1"],
    Fi: 372,
    Di: 1,
    guardTime: null,
    interfaceBytes: 2,
  },
  {
    atr: "3B 81 80 01 80 80",
    card: "MIFARE DESFire EV1 through a PC/SC contactless reader",
    TA: [_, _, _],
    TB: [_, _, _],
    TC: [_, _, _],
    TD: [0x80, 0x01, _],
    historical: "80",
    TCK: 0x80,
    protocols: ["T=0", "T=1"],
    Fi: 372,
    Di: 1,
    guardTime: null,
    interfaceBytes: 2,
  },
  {
    atr: "3B 9F 96 80 1F C7 80 31 E0 73 FE 21 1B 64 41 63 32 00 82 90 00 D1",
    card: "Fido (Canada) SIM: T=0 with T=15 global bytes",
    TA: [0x96, _, 0xc7],
    TB: [_, _, _],
    TC: [_, _, _],
    TD: [0x80, 0x1f, _],
    historical: "80 31 E0 73 FE 21 1B 64 41 63 32 00 82 90 00",
    TCK: 0xd1,
    protocols: ["T=0", "T=15"],
    Fi: 512,
    Di: 32,
    guardTime: null,
    interfaceBytes: 4,
  },
  {
    atr: "3B 02 14 50",
    card: "Schlumberger Multiflex 3k (no interface bytes)",
    TA: [_],
    TB: [_],
    TC: [_],
    TD: [_],
    historical: "14 50",
    TCK: null,
    protocols: ["T=0"],
    Fi: 372,
    Di: 1,
    guardTime: null,
    interfaceBytes: 0,
  },
];

for (const want of REAL_ATRS) {
  Deno.test(`ATR parses ${want.atr} (${want.card})`, () => {
    const atr = new ATR(toBytes(want.atr));
    const bytes = toBytes(want.atr);
    assert.equal(atr.TS, bytes[0]);
    assert.equal(atr.T0, bytes[1]);
    assert.deepEqual(atr.TA, want.TA);
    assert.deepEqual(atr.TB, want.TB);
    assert.deepEqual(atr.TC, want.TC);
    assert.deepEqual(atr.TD, want.TD);
    assert.deepEqual(atr.getHistoricalBytes(), toBytes(want.historical));
    assert.equal(atr.K, toBytes(want.historical).length);
    assert.equal(atr.getHistoricalBytesCount(), toBytes(want.historical).length);
    assert.equal(atr.getChecksum(), want.TCK);
    assert.equal(atr.hasChecksum, want.TCK !== null);
    assert.equal(atr.checksumOK, want.TCK === null ? null : true);
    assert.deepEqual(atr.extraBytes, []);
    assert.deepEqual(
      atr.getSupportedProtocols(),
      Object.fromEntries(want.protocols.map((p) => [p, true])),
    );
    assert.equal(atr.isT0Supported(), want.protocols.includes("T=0"));
    assert.equal(atr.isT1Supported(), want.protocols.includes("T=1"));
    assert.equal(atr.isT15Supported(), want.protocols.includes("T=15"));
    assert.equal(atr.getTA1(), want.TA[0]);
    assert.equal(atr.getTB1(), want.TB[0]);
    assert.equal(atr.getTC1(), want.TC[0]);
    assert.equal(atr.getTD1(), want.TD[0]);
    assert.equal(atr.getClockRateConversion(), want.Fi);
    assert.equal(atr.getBitRateFactor(), want.Di);
    assert.equal(atr.getGuardTime(), want.guardTime);
    assert.equal(atr.getInterfaceBytesCount(), want.interfaceBytes);
    assert.equal(atr.toString(), want.atr);
    assert.equal(`${atr}`, want.atr);
  });
}

// ---------------------------------------------------------------------------------------
// pyscard's render output, byte for byte (its dump() printed the same lines)

const RENDERS: [string, string][] = [
  [
    "3F 65 25 00 2C 09 69 90 00",
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
nb of historical bytes: 5`,
  ],
  [
    "3F 65 25 08 93 04 6C 90 00",
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
nb of historical bytes: 5`,
  ],
  [
    "3B 16 94 7C 03 01 00 00 0D",
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
nb of historical bytes: 6`,
  ],
  [
    "3B 65 00 00 9C 11 01 01 03",
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
nb of historical bytes: 5`,
  ],
  [
    "3B E3 00 FF 81 31 52 45 A1 A2 A3 1B",
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
nb of historical bytes: 3`,
  ],
  [
    "3B E5 00 00 81 21 45 9C 10 01 00 80 0D",
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
nb of historical bytes: 5`,
  ],
  [
    "3B 00",
    `supported protocols T=0
T=0 supported: True
T=1 supported: False
\tclock rate conversion factor: 372
\tbit rate adjustment factor: 1
\tmaximum programming current: 50
\tprogramming voltage: 5
\tguard time: None
nb of interface bytes: 0
nb of historical bytes: 0`,
  ],
];

for (const [hex, text] of RENDERS) {
  Deno.test(`ATR render() of ${hex} reads line for line as pyscard's`, () => {
    assert.equal(new ATR(toBytes(hex)).render(), text);
  });
}

Deno.test("ATR render() lists TA TB TC TD of every level, TD4 included", () => {
  const text = new ATR(toBytes(REAL_ATRS[7].atr)).render();
  assert.match(text, /^TA1: 96\nTC1: 0\nTD1: 80\nTD2: b1\nTA3: fe\nTB3: 45\nTD3: 1f\nTA4: 83\n/);
  assert.match(text, /\nsupported protocols T=0,T=1,T=15\n/);
  assert.match(text, /\nchecksum: 241\n/);
});

// ---------------------------------------------------------------------------------------
// pyscard's other ATR tests

Deno.test("ATR of TS T0 alone (3B 00 or 3F 00) parses with pyscard's defaults", () => {
  for (const ts of [0x3b, 0x3f]) {
    const atr = new ATR([ts, 0x00]);
    assert.equal(atr.getTA1(), null);
    assert.equal(atr.getTB1(), null);
    assert.equal(atr.getTC1(), null);
    assert.equal(atr.getTD1(), null);
    assert.equal(atr.II, null);
    assert.equal(atr.PI1, null);
    assert.equal(atr.getChecksum(), null);
    assert.equal(atr.getGuardTime(), null);
    assert.equal(atr.getHistoricalBytesCount(), 0);
    assert.deepEqual(atr.getHistoricalBytes(), []);
    assert.equal(atr.getInterfaceBytesCount(), 0);
    assert.equal(atr.getBitRateFactor(), 1);
    assert.equal(atr.getClockRateConversion(), 372);
    assert.equal(atr.getProgrammingCurrent(), 50);
    assert.equal(atr.getProgrammingVoltage(), 5);
    assert.deepEqual(atr.getSupportedProtocols(), { "T=0": true });
    assert.equal(atr.isT0Supported(), true);
    assert.equal(atr.isT1Supported(), false);
    assert.equal(atr.isT15Supported(), false);
  }
});

Deno.test("ATR with TA1 alone derives Fi 768 and Di 64 from it (pyscard test_only_ta1)", () => {
  const atr = new ATR([0x3b, 0b0001_0000, 0xa7]);
  assert.deepEqual(atr.TA, [0xa7]);
  assert.deepEqual([atr.FI, atr.DI], [0xa, 0x7]);
  assert.match(atr.render(), /^TA1: a7\n/);
  assert.equal(atr.getClockRateConversion(), 768);
  assert.equal(atr.getBitRateFactor(), 64);
  assert.deepEqual([atr.TB, atr.TC, atr.TD], [[null], [null], [null]]);
  assert.equal(atr.N, null);
  assert.equal(atr.getInterfaceBytesCount(), 1);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.getChecksum(), null);
});

Deno.test("ATR with TB1 alone derives II and PI1 from it (pyscard test_only_tb1)", () => {
  const atr = new ATR([0x3b, 0b0010_0000, 0b0_10_11111]);
  assert.deepEqual(atr.TB, [0x5f]);
  assert.match(atr.render(), /^TB1: 5f\n/);
  assert.equal(atr.II, 0b10);
  assert.equal(atr.PI1, 0b11111);
  assert.equal(atr.getProgrammingCurrent(), 100);
  assert.equal(atr.getProgrammingVoltage(), 160);
  assert.equal(atr.getInterfaceBytesCount(), 1);
});

Deno.test("ATR with TC1 alone takes it as the extra guard time N (pyscard test_only_tc1)", () => {
  const atr = new ATR([0x3b, 0b0100_0000, 0xc1]);
  assert.deepEqual(atr.TC, [0xc1]);
  assert.match(atr.render(), /^TC1: c1\n/);
  assert.equal(atr.N, 0xc1);
  assert.equal(atr.getGuardTime(), 0xc1);
  assert.deepEqual([atr.TA, atr.TB, atr.TD], [[null], [null], [null]]);
});

Deno.test("ATR with TD1 = 00 alone indicates T=0 and opens an empty level 2 (pyscard test_only_td1)", () => {
  const atr = new ATR([0x3b, 0b1000_0000, 0x00]);
  assert.deepEqual(atr.TD, [0x00, null]);
  assert.deepEqual(atr.TA, [null, null]);
  assert.deepEqual(atr.Y, [0x8, 0x0]);
  assert.equal(atr.isT0Supported(), true);
  assert.equal(atr.isT1Supported(), false);
  assert.match(atr.render(), /^TD1: 0\n/);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
});

Deno.test("ATR with 15 historical bytes and nothing else (pyscard test_historical_bytes)", () => {
  const history = Array.from({ length: 15 }, (_, i) => i);
  const atr = new ATR([0x3b, 0x0f, ...history]);
  assert.equal(atr.K, 15);
  assert.deepEqual(atr.getHistoricalBytes(), history);
  assert.equal(atr.hasChecksum, false);
});

Deno.test("ATR accessors of pyscard's test_atr_get (3B F2 95 12 34 01 36 06)", () => {
  const atr = new ATR(toBytes("3B F2 95 12 34 01 36 06"));
  assert.equal(atr.getTA1(), 0x95);
  assert.equal(atr.getTB1(), 0x12);
  assert.equal(atr.getTC1(), 0x34);
  assert.equal(atr.getTD1(), 0x01);
  assert.deepEqual(atr.getHistoricalBytes(), [0x36, 0x06]);
  assert.equal(atr.isT15Supported(), false);
  assert.equal(atr.toString(), "3B F2 95 12 34 01 36 06");
});

Deno.test("ATR static tables hold ISO 7816-3's Fi, Di and programming current tables", () => {
  assert.equal(ATR.clockrateconversion.length, 16);
  assert.equal(ATR.bitratefactor.length, 16);
  assert.deepEqual(ATR.currenttable, [25, 50, 100, "RFU"]);
  assert.deepEqual(
    ATR.clockrateconversion,
    [372, 372, 558, 744, 1116, 1488, 1860, "RFU", "RFU", 512, 768, 1024, 1536, 2048, "RFU", "RFU"],
  );
  assert.deepEqual(
    ATR.bitratefactor,
    ["RFU", 1, 2, 4, 8, 16, 32, 64, 12, 20, "RFU", "RFU", "RFU", "RFU", "RFU", "RFU"],
  );
  assert.ok(Object.isFrozen(ATR.clockrateconversion));
  assert.ok(Object.isFrozen(ATR.bitratefactor));
  assert.ok(Object.isFrozen(ATR.currenttable));
});

Deno.test("ATR reports RFU for a reserved FI or DI in TA1", () => {
  const atr = new ATR([0x3b, 0x10, 0x7a]); // FI 7, DI 10: both reserved
  assert.equal(atr.getClockRateConversion(), "RFU");
  assert.equal(atr.getBitRateFactor(), "RFU");
  assert.equal(new ATR([0x3b, 0x10, 0x10]).getBitRateFactor(), "RFU"); // DI 0
  assert.equal(new ATR([0x3b, 0x20, 0x60]).getProgrammingCurrent(), "RFU"); // II 3
});

// ---------------------------------------------------------------------------------------
// TCK

Deno.test("ATR checksumOK is true when T0 xor ... xor TCK is 0, false otherwise", () => {
  const good = new ATR([0x3b, 0x80, 0x01, 0x81]);
  assert.equal(good.getChecksum(), 0x81);
  assert.equal(good.checksumOK, true);
  assert.match(good.render(), /\nchecksum: 129\n/);
  const bad = new ATR([0x3f, 0x80, 0x01, 0x00]);
  assert.equal(bad.getChecksum(), 0x00);
  assert.equal(bad.hasChecksum, true);
  assert.equal(bad.checksumOK, false);
  assert.match(bad.render(), /\nchecksum: 0\n/); // older pyscard dump() printed no line for a TCK of 0
  for (const want of REAL_ATRS.filter((w) => w.TCK !== null)) {
    const bytes = toBytes(want.atr);
    bytes[bytes.length - 1] ^= 0x01;
    assert.equal(new ATR(bytes).checksumOK, false, want.atr);
  }
});

Deno.test("ATR TCK is expected when only T=15 is indicated besides T=0", () => {
  const atr = new ATR([0x3b, 0x80, 0x0f, 0x8f]);
  assert.equal(atr.getChecksum(), 0x8f);
  assert.equal(atr.checksumOK, true);
});

Deno.test("ATR takes a byte after the historical bytes of a T=0-only ATR as TCK, as pyscard 2.3", () => {
  const atr = new ATR([0x3b, 0x00, 0x00]);
  assert.equal(atr.getChecksum(), 0x00);
  assert.equal(atr.hasChecksum, true);
  assert.equal(atr.checksumOK, true);
  assert.deepEqual(atr.extraBytes, []);
  assert.match(atr.render(), /\nchecksum: 0\n/);
  assert.equal(new ATR([0x3b, 0x00, 0x01]).checksumOK, false);
});

Deno.test("ATR that indicates T=1 but lacks TCK has checksumOK null and no checksum line", () => {
  const atr = new ATR(toBytes("3B F2 95 12 34 01 36 06"));
  assert.equal(atr.getChecksum(), null);
  assert.equal(atr.hasChecksum, false);
  assert.equal(atr.checksumOK, null);
  assert.doesNotMatch(atr.render(), /checksum/);
});

Deno.test("ATR with more than one byte after the historical bytes has no TCK, as pyscard 2.3", () => {
  const atr = new ATR([0x3b, 0x80, 0x01, 0x81, 0x90, 0x00]);
  assert.equal(atr.getChecksum(), null);
  assert.equal(atr.checksumOK, null);
  assert.deepEqual(atr.extraBytes, [0x81, 0x90, 0x00]);
  assert.doesNotMatch(atr.render(), /checksum|extra/);
});

// ---------------------------------------------------------------------------------------
// Malformed ATRs and input

function refuses(bytes: number[], message: string | RegExp): void {
  assert.throws(() => new ATR(bytes), (e: unknown) => {
    assert.ok(e instanceof SmartcardException, `not a SmartcardException: ${e}`);
    if (typeof message === "string") assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });
}

Deno.test("ATR refuses fewer than 2 bytes", () => {
  refuses([], "ATR sequences must be at least 2 bytes long (TS and T0), got 0");
  refuses([0x3b], "ATR sequences must be at least 2 bytes long (TS and T0), got 1");
});

Deno.test("ATR refuses a TS other than 3B or 3F, naming it as pyscard (invalid TS 0x42)", () => {
  refuses([0x42, 0x00], /^invalid TS 0x42: expected 0x3b \(direct\) or 0x3f \(inverse/);
  refuses([0xaa, 0x00], /^invalid TS 0xaa/);
  refuses([0x00, 0x00], /^invalid TS 0x00/);
  refuses([0x03, 0x00], /^invalid TS 0x03/);
});

Deno.test("ATR refuses interface bytes cut short, naming the byte that announced them", () => {
  refuses(
    [0x3b, 0xf0, 0x11],
    "ATR truncated: T0 announces TA1, TB1, TC1, TD1 but the ATR ends after 3 bytes",
  );
  refuses([0x3b, 0x80], "ATR truncated: T0 announces TD1 but the ATR ends after 2 bytes");
  refuses([0x3b, 0x80, 0x81], "ATR truncated: TD1 announces TD2 but the ATR ends after 3 bytes");
  refuses(
    toBytes("3B DB 96 00 80 B1 FE"),
    "ATR truncated: TD2 announces TA3, TB3, TD3 but the ATR ends after 7 bytes",
  );
  refuses(
    toBytes("3B DB 96 00 80 B1 FE 45 1F"),
    "ATR truncated: TD3 announces TA4 but the ATR ends after 9 bytes",
  );
});

Deno.test("ATR refuses historical bytes cut short, saying how many are missing", () => {
  refuses(
    [0x3b, 0x05, 0x01, 0x02],
    "ATR truncated: T0 announces 5 historical bytes but only 2 follow T0",
  );
  refuses(
    toBytes("3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65"),
    "ATR truncated: T0 announces 13 historical bytes but only 12 follow the interface bytes",
  );
});

Deno.test("ATR never fails with anything but a SmartcardException on any prefix of a real ATR", () => {
  for (const want of REAL_ATRS) {
    const bytes = toBytes(want.atr);
    for (let n = 0; n < bytes.length; n++) {
      try {
        new ATR(bytes.slice(0, n));
      } catch (e) {
        assert.ok(e instanceof SmartcardException, `${want.atr} cut to ${n}: ${e}`);
      }
    }
  }
});

Deno.test("ATR parses or refuses 20000 random ATRs with consistent byte accounting", () => {
  let seed = 0x1234567;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x100000000;
  };
  let parsed = 0;
  for (let i = 0; i < 20000; i++) {
    const length = 2 + Math.floor(random() * 32);
    const bytes = Array.from({ length }, () => Math.floor(random() * 256));
    bytes[0] = random() < 0.5 ? 0x3b : 0x3f;
    let atr: ATR;
    try {
      atr = new ATR(bytes);
    } catch (e) {
      assert.ok(e instanceof SmartcardException, String(e));
      assert.match(e.message, /^ATR truncated: /);
      continue;
    }
    parsed++;
    const accounted = 2 + atr.getInterfaceBytesCount() + atr.getHistoricalBytesCount() +
      (atr.hasChecksum ? 1 : 0) + atr.extraBytes.length;
    assert.equal(accounted, length, atr.toString());
    assert.equal(atr.Y.length, atr.TA.length);
    assert.equal(atr.TD[atr.TD.length - 1], null);
  }
  assert.ok(parsed > 1000, `only ${parsed} parsed`);
});

Deno.test("ATR takes a Uint8Array and refuses non-byte input with a TypeError or RangeError naming atr", () => {
  assert.equal(new ATR(new Uint8Array([0x3b, 0x02, 0x14, 0x50])).toString(), "3B 02 14 50");
  assert.throws(() => new ATR("3B 02 14 50" as unknown as number[]), {
    name: "TypeError",
    message: 'atr must be an array of bytes (number[] or Uint8Array), not the string "3B 02 14 50"',
  });
  assert.throws(() => new ATR([0x3b, 0x100]), {
    name: "RangeError",
    message: "atr[1] must be a byte (0..255), not 256",
  });
  assert.throws(() => new ATR([0x3b, undefined] as unknown as number[]), {
    name: "TypeError",
    message: "atr[1] must be a byte (0..255), not undefined",
  });
});

Deno.test("ATR keeps frozen copies: the caller's array and the parsed fields cannot change it", () => {
  const bytes = toBytes("3B 02 14 50");
  const atr = new ATR(bytes);
  bytes[2] = 0;
  assert.equal(atr.toString(), "3B 02 14 50");
  const history = atr.getHistoricalBytes();
  history.push(1);
  assert.deepEqual(atr.getHistoricalBytes(), [0x14, 0x50]);
  for (const field of [atr.atr, atr.TA, atr.TB, atr.TC, atr.TD, atr.Y, atr.historicalBytes]) {
    assert.ok(Object.isFrozen(field));
  }
});
