// CommandAPDU and ResponseAPDU as values: ISO 7816-4's cases 1-4, short and extended, written
// out by hand, then every vector javax.smartcardio.CommandAPDU produced (encoding and parsing,
// see tests/fixtures/command_apdu/vectors.json), and the refusals with their reasons.
import assert from "node:assert/strict";
import { CommandAPDU } from "../../src/apdu/command_apdu.ts";
import { ResponseAPDU } from "../../src/apdu/response_apdu.ts";
import { toBytes } from "../../src/smartcard/util.ts";

const fixture = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/command_apdu/vectors.json", import.meta.url)),
);

/** The fixture's data rule: byte i is (i * 31 + 7) & 0xFF. */
function patternData(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
}

interface Vector {
  head: string;
  tail: string;
  dataLength?: number;
  data?: string;
}

function bytesOf(v: Vector): Uint8Array {
  const data = v.data !== undefined ? toBytes(v.data) : patternData(v.dataLength ?? 0);
  return Uint8Array.from([...toBytes(v.head), ...data, ...toBytes(v.tail)]);
}

const header = { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00 };

Deno.test("CommandAPDU encodes each ISO case, short and extended, by javax.smartcardio's rules", () => {
  const d = (n: number) => patternData(n);
  const cases: [string, number, number, string][] = [
    // [what, nc, ne, encoding without the data bytes]
    ["case 1", 0, 0, "00 A4 04 00"],
    ["case 2 short, Le 1", 0, 1, "00 A4 04 00 01"],
    ["case 2 short, Ne 256 as Le 00", 0, 256, "00 A4 04 00 00"],
    ["case 2 extended, Ne 257", 0, 257, "00 A4 04 00 00 01 01"],
    ["case 2 extended, Ne 65,536 as Le 00 00", 0, 65536, "00 A4 04 00 00 00 00"],
    ["case 3 short, 1 byte", 1, 0, "00 A4 04 00 01"],
    ["case 3 short, 255 bytes", 255, 0, "00 A4 04 00 FF"],
    ["case 3 extended, 256 bytes", 256, 0, "00 A4 04 00 00 01 00"],
    ["case 3 extended, 65,535 bytes", 65535, 0, "00 A4 04 00 00 FF FF"],
    ["case 4 short", 2, 256, "00 A4 04 00 02 | 00"],
    ["case 4 short, 255 bytes and Ne 255", 255, 255, "00 A4 04 00 FF | FF"],
    ["case 4 extended by the data", 256, 1, "00 A4 04 00 00 01 00 | 00 01"],
    ["case 4 extended by Ne", 1, 257, "00 A4 04 00 00 00 01 | 01 01"],
    ["case 4 extended, Ne 65,536", 65535, 65536, "00 A4 04 00 00 FF FF | 00 00"],
  ];
  for (const [what, nc, ne, layout] of cases) {
    const [head, tail = ""] = layout.split("|");
    const command = new CommandAPDU({ ...header, data: d(nc), ne });
    const expected = [...toBytes(head), ...d(nc), ...toBytes(tail)];
    assert.deepEqual(command.toBytes(), expected, what);
    assert.deepEqual(Array.from(command.bytes), expected, what);
    assert.equal(command.nc, nc, what);
    assert.equal(command.ne, ne, what);
    assert.deepEqual(command.data, d(nc), what);
    assert.equal(command.case, nc === 0 ? (ne === 0 ? 1 : 2) : ne === 0 ? 3 : 4, what);
    assert.equal(command.extended, nc > 255 || ne > 256, what);
    // and back
    const parsed = CommandAPDU.parse(expected);
    assert.equal(parsed.nc, nc, what);
    assert.equal(parsed.ne, ne, what);
    assert.deepEqual(parsed.data, d(nc), what);
  }
});

Deno.test("CommandAPDU encodes as javax.smartcardio does, for every vector it produced", () => {
  let encoded = 0;
  let refused = 0;
  for (const v of fixture.encode) {
    const fields = {
      cla: v.cla,
      ins: v.ins,
      p1: v.p1,
      p2: v.p2,
      data: patternData(v.nc),
      ne: v.ne,
    };
    if (v.error) {
      assert.throws(() => new CommandAPDU(fields), RangeError, `${v.error}: ${JSON.stringify(v)}`);
      refused++;
      continue;
    }
    const command = new CommandAPDU(fields);
    assert.deepEqual(command.bytes, bytesOf(v), JSON.stringify({ ...v, head: v.head }));
    encoded++;
  }
  assert.equal(encoded, 81);
  assert.equal(refused, 29);
});

Deno.test("CommandAPDU.parse accepts and refuses exactly what javax.smartcardio does", () => {
  let accepted = 0;
  let refused = 0;
  let nonCanonical = 0;
  for (const v of fixture.parse) {
    const bytes = bytesOf(v);
    if (v.error) {
      assert.throws(() => CommandAPDU.parse(bytes), RangeError, `${v.error}: ${v.head}`);
      refused++;
      continue;
    }
    const command = CommandAPDU.parse(bytes);
    const what = v.head + (v.data ?? `+${v.dataLength} bytes`) + v.tail;
    assert.equal(command.nc, v.nc, what);
    assert.equal(command.ne, v.ne, what);
    if (v.data !== undefined) assert.deepEqual(command.data, Uint8Array.from(toBytes(v.data)));
    if (v.cla !== undefined) {
      assert.deepEqual([command.cla, command.ins, command.p1, command.p2], [
        v.cla,
        v.ins,
        v.p1,
        v.p2,
      ]);
    }
    // the bytes stay as given, and the fields encode to the same unless the bytes used an
    // extended length where a short one would do (which javax.smartcardio accepts too)
    assert.deepEqual(command.bytes, bytes, what);
    const reencoded = new CommandAPDU({ ...command, data: command.data });
    const canonical = bytes.length <= 5 || bytes[4] !== 0 || command.nc > 255 ||
      command.ne > 256;
    assert.equal(canonical, reencoded.toString() === command.toString(), what);
    if (!canonical) nonCanonical++;
    accepted++;
  }
  assert.ok(accepted > 300 && refused > 400, `${accepted} accepted, ${refused} refused`);
  assert.ok(nonCanonical > 0, "the vectors include extended lengths holding short values");
});

Deno.test("CommandAPDU.parse says why bytes fit no ISO case", () => {
  const refusals: [string, RegExp][] = [
    ["", /0 bytes long: an APDU has at least the 4 header bytes/],
    ["00 A4 04", /3 bytes long/],
    ["00 A4 04 00 02 3F", /Lc \(5th byte\) is 2 but 1 byte follows/],
    [
      "00 A4 04 00 02 3F 00 00 00",
      /Lc \(5th byte\) is 2 but 4 bytes follow it.*7 bytes long, or 8/,
    ],
    ["00 B0 00 00 00 01", /5th byte is 00.*truncated/],
    ["00 D6 00 00 00 00 00 01", /extended Lc .* is 00 00 00/],
    ["00 D6 00 00 00 00 02 01", /extended Lc .* is 2 but 1 byte follows/],
    [
      "00 D6 00 00 00 00 02 01 02 03",
      /extended Lc .* is 2 but 3 bytes follow.*9 bytes long, or 11/,
    ],
  ];
  for (const [hex, message] of refusals) {
    assert.throws(() => CommandAPDU.parse(toBytes(hex)), (e) => {
      assert.ok(e instanceof RangeError, hex);
      assert.match(e.message, message, hex);
      return true;
    });
  }
  assert.throws(() => CommandAPDU.parse([0, 0xa4, 4, 256] as number[]), RangeError);
  assert.throws(() => CommandAPDU.parse("00A40400" as unknown as number[]), TypeError);
});

Deno.test("CommandAPDU refuses fields out of range instead of truncating them", () => {
  assert.throws(
    () => new CommandAPDU({ ...header, cla: 0x100 }),
    /cla must be an integer in 0\.\.255/,
  );
  assert.throws(() => new CommandAPDU({ ...header, p2: -1 }), RangeError);
  assert.throws(() => new CommandAPDU({ ...header, ins: 1.5 }), RangeError);
  assert.throws(
    () => new CommandAPDU({ ...header, ne: 65537 }),
    /ne must be an integer in 0\.\.65536/,
  );
  assert.throws(() => new CommandAPDU({ ...header, ne: -1 }), RangeError);
  assert.throws(
    () => new CommandAPDU({ ...header, data: new Uint8Array(65536) }),
    /65536 bytes long; a command carries at most 65535/,
  );
  assert.throws(() => new CommandAPDU({ ...header, data: [1, 300] }), /data\[1\] must be a byte/);
  assert.throws(() => new CommandAPDU(null as unknown as typeof header), TypeError);
});

Deno.test("CommandAPDU is immutable and prints as hex", () => {
  const data = [0x3f, 0x00];
  const command = new CommandAPDU({ ...header, p1: 0x00, p2: 0x0c, data });
  data[0] = 0xff;
  command.data[0] = 0xff;
  command.bytes[0] = 0xff;
  assert.equal(command.toString(), "00 A4 00 0C 02 3F 00");
  assert.equal(String(command), "00 A4 00 0C 02 3F 00");
});

Deno.test("ResponseAPDU takes a response apart, from bytes or from a transmit result", () => {
  const response = new ResponseAPDU([0x01, 0x02, 0x03, 0x6a, 0x82]);
  assert.deepEqual(response.data, Uint8Array.of(1, 2, 3));
  assert.equal(response.nr, 3);
  assert.equal(response.sw1, 0x6a);
  assert.equal(response.sw2, 0x82);
  assert.equal(response.sw, 0x6a82);
  assert.equal(response.toString(), "01 02 03 6A 82");
  const empty = ResponseAPDU.fromTransmit([[], 0x90, 0x00]);
  assert.equal(empty.sw, 0x9000);
  assert.equal(empty.nr, 0);
  assert.deepEqual(empty.toBytes(), [0x90, 0x00]);
  assert.throws(() => new ResponseAPDU([0x90]), /1 byte long: a response APDU ends with/);
  assert.throws(() => ResponseAPDU.fromTransmit([[], 0x90, 256]), RangeError);
  assert.throws(
    () => ResponseAPDU.fromTransmit([0x90, 0x00] as unknown as [number[], number, number]),
    TypeError,
  );
});
