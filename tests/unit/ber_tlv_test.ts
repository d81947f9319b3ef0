// BER-TLV (ISO 7816-4 5.2.2): real structures (an EMV FCI, a PIV GET DATA), the length and tag
// forms, padding, the refusals with their offsets, and a loop over random and truncated input
// proving the parser ends every time with either all the objects or a RangeError.
import assert from "node:assert/strict";
import { encodeTlv, findTlv, parseTlv, type Tlv } from "../../src/tlv/ber_tlv.ts";
import { toBytes, toHexString } from "../../src/smartcard/util.ts";

const FCI = "6F 1A 84 07 A0 00 00 00 03 10 10 A5 0F 50 04 56 49 53 41 87 01 01 9F 38 03 9F 1A 02";

Deno.test("parseTlv reads an EMV FCI template with its children", () => {
  const [fci, ...rest] = parseTlv(toBytes(FCI));
  assert.equal(rest.length, 0);
  assert.equal(fci.tag, 0x6f);
  assert.equal(fci.constructed, true);
  assert.equal(fci.length, 0x1a);
  assert.deepEqual(fci.children.map((c) => c.tag), [0x84, 0xa5]);
  assert.equal(toHexString(fci.find(0x84)!.value), "A0 00 00 00 03 10 10");
  assert.equal(new TextDecoder().decode(findTlv([fci], 0x6f, 0xa5, 0x50)!.value), "VISA");
  const pdol = findTlv([fci], 0x6f, 0xa5, 0x9f38)!;
  assert.equal(pdol.constructed, false);
  assert.equal(pdol.offset, 22);
  assert.deepEqual([...pdol.value], [0x9f, 0x1a, 0x02]);
  assert.equal(findTlv([fci], 0x6f, 0x50), undefined); // 50 is a grandchild, not a child
  assert.equal(findTlv([fci], 0x70), undefined);
  assert.equal(
    fci.toString(),
    "6F\n  84 A0 00 00 00 03 10 10\n  A5\n    50 56 49 53 41\n    87 01\n    9F38 9F 1A 02",
  );
});

Deno.test("parseTlv reads tags of 1 to 3 bytes and lengths of 1 to 3 bytes", () => {
  const long = new Uint8Array(300).fill(0x41);
  const cases: [string, number, number][] = [
    ["5A 00", 0x5a, 0],
    ["9F 38 01 00", 0x9f38, 1],
    ["5F C1 02 02 01 02", 0x5fc102, 2],
    ["5F 81 80 01 07 01 AA", 0x5f818001, -1], // 4-byte tag: refused below
    ["53 81 80" + " 41".repeat(128), 0x53, 128],
    ["53 81 FF" + " 41".repeat(255), 0x53, 255],
    ["53 82 01 2C" + " 41".repeat(300), 0x53, 300],
    ["53 81 05 01 02 03 04 05", 0x53, 5], // a length longer than needed is BER still
  ];
  for (const [hex, tag, length] of cases) {
    if (length < 0) {
      assert.throws(() => parseTlv(toBytes(hex)), /tag at offset 0 is longer than 3 bytes/);
      continue;
    }
    const [object] = parseTlv(toBytes(hex));
    assert.equal(object.tag, tag, hex.slice(0, 20));
    assert.equal(object.length, length, hex.slice(0, 20));
  }
  assert.deepEqual([...parseTlv(encodeTlv({ tag: 0x53, value: long }))[0].value], [...long]);
});

Deno.test("parseTlv skips 00 and FF padding before, between and after objects, at every level", () => {
  const objects = parseTlv(toBytes("00 FF 5A 01 11 00 00 70 06 FF 5A 01 22 00 00 FF FF"));
  assert.deepEqual(objects.map((o) => o.tag), [0x5a, 0x70]);
  assert.deepEqual(objects[1].children.map((o) => [o.tag, [...o.value]]), [[0x5a, [0x22]]]);
  assert.deepEqual(parseTlv(toBytes("00 00 FF")), []);
  assert.deepEqual(parseTlv([]), []);
});

Deno.test("parseTlv refuses malformed input with a RangeError naming the offset", () => {
  const refusals: [string, RegExp][] = [
    ["5A 03 01 02", /value at offset 2 is 3 bytes long but only 2 remain/],
    ["5A", /object at offset 0 has no length/],
    ["5A 81", /length at offset 1 is truncated: 81 announces 1 length byte, 0 remain/],
    ["5A 82 01", /length at offset 1 is truncated: 82 announces 2 length bytes, 1 remain/],
    ["5A 80 01 00 00", /length at offset 1 is 80, an indefinite length/],
    ["5A 83 00 00 01 00", /length at offset 1 starts with 83: lengths of more than 3 bytes/],
    ["9F", /tag at offset 0 never ends/],
    ["00 00 5F 81", /tag at offset 2 never ends/],
    ["5F 81 82 83 01 00", /tag at offset 0 is longer than 3 bytes/],
    [
      "70 04 5A 05 01 02 03 04 05",
      /value at offset 4 is 5 bytes long but only 2 remain in the object/,
    ],
    ["5A 01 11 70 02 5A 81", /length at offset 6 is truncated/],
  ];
  for (const [hex, message] of refusals) {
    assert.throws(() => parseTlv(toBytes(hex)), (e) => {
      assert.ok(e instanceof RangeError, hex);
      assert.match(e.message, message, hex);
      return true;
    });
  }
  const deep = [...Array(40)].flatMap(() => [0x70, 0x80]); // never reached: 80 refused first
  assert.throws(() => parseTlv(deep), RangeError);
  let nested: number[] = [0x5a, 0x00];
  for (let i = 0; i < 40; i++) nested = [0x70, nested.length, ...nested].slice(0, 127 + 2);
  assert.throws(() => parseTlv(nested), /nested deeper than 32 levels|remain/);
});

Deno.test("encodeTlv writes the shortest lengths and round-trips through parseTlv", () => {
  assert.equal(toHexString(encodeTlv({ tag: 0x5c, value: [0x5f, 0xc1, 0x02] })), "5C 03 5F C1 02");
  assert.equal(
    toHexString(encodeTlv({ tag: 0x53, value: new Uint8Array(128) })).slice(0, 8),
    "53 81 80",
  );
  assert.equal(
    toHexString(encodeTlv({ tag: 0x53, value: new Uint8Array(256) })).slice(0, 11),
    "53 82 01 00",
  );
  const fci = encodeTlv({
    tag: 0x6f,
    children: [
      { tag: 0x84, value: toBytes("A0 00 00 00 03 10 10") },
      {
        tag: 0xa5,
        children: [
          { tag: 0x50, value: new TextEncoder().encode("VISA") },
          { tag: 0x87, value: [0x01] },
          { tag: 0x9f38, value: [0x9f, 0x1a, 0x02] },
        ],
      },
    ],
  });
  assert.equal(toHexString(fci), FCI);
  assert.equal(
    toHexString(encodeTlv({ tag: 0x5fc102, value: [] }, { tag: 0x5a, value: [1] })),
    "5F C1 02 00 5A 01 01",
  );
});

Deno.test("encodeTlv refuses tags the parser would not read back, and values too long", () => {
  assert.throws(() => encodeTlv({ tag: 0x1f, value: [] }), /tag 1F is not a BER-TLV tag/);
  assert.throws(() => encodeTlv({ tag: 0x9f80, value: [] }), /tag 9F80 is not a BER-TLV tag/);
  assert.throws(() => encodeTlv({ tag: 0x5a01, value: [] }), /tag 5A01 is not/);
  assert.throws(() => encodeTlv({ tag: 0xff, value: [] }), /are padding/);
  assert.throws(() => encodeTlv({ tag: 0, value: [] }), /tag must be an integer in 1\.\./);
  assert.throws(() => encodeTlv({ tag: 0x5a, children: [] }), /tag 5A is primitive/);
  assert.throws(() => encodeTlv({ tag: 0x53, value: new Uint8Array(65536) }), /at most 65535/);
  assert.throws(() => encodeTlv({ tag: 0x5a } as never), TypeError);
  assert.throws(
    () => encodeTlv({ tag: 0x5a, value: [256] }),
    /value of tag 5A\[0\] must be a byte/,
  );
});

/** A small deterministic generator (xorshift32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

function reencode(objects: readonly Tlv[]): Uint8Array {
  const input = (o: Tlv): Parameters<typeof encodeTlv>[0] =>
    o.constructed
      ? { tag: o.tag, children: o.children.map(input) }
      : { tag: o.tag, value: o.value };
  return encodeTlv(...objects.map(input));
}

/** A random tree of data objects, small enough to print when a round fails. */
function randomTree(next: () => number, depth: number): Parameters<typeof encodeTlv>[0] {
  const tags = [0x5a, 0x84, 0x9f38, 0x5fc102, 0x70, 0xa5, 0x7f21, 0x61];
  const tag = tags[Math.floor(next() * tags.length)];
  if ((tag === 0x70 || tag === 0xa5 || tag === 0x7f21 || tag === 0x61) && depth < 4) {
    const count = Math.floor(next() * 3);
    return { tag, children: Array.from({ length: count }, () => randomTree(next, depth + 1)) };
  }
  const length = next() < 0.1 ? 128 + Math.floor(next() * 200) : Math.floor(next() * 6);
  return { tag: tag & 0x20 ? 0x5a : tag, value: new Uint8Array(length).fill(0x41) };
}

Deno.test("parseTlv ends on any input with all the objects or a RangeError, never part", () => {
  const next = random(0x7816);
  // bytes biased towards what makes TLV hard: constructed tags, long-form lengths, padding
  const interesting = [0x00, 0xff, 0x1f, 0x3f, 0x5f, 0x7f, 0x9f, 0x70, 0x80, 0x81, 0x82, 0x83];
  let parsed = 0;
  let refused = 0;
  for (let round = 0; round < 20000; round++) {
    let bytes: number[];
    if (round % 2 === 0) {
      const length = Math.floor(next() * 48);
      bytes = Array.from(
        { length },
        () =>
          next() < 0.4
            ? interesting[Math.floor(next() * interesting.length)]
            : Math.floor(next() * 64),
      );
    } else {
      // a valid encoding, then half the time one byte changed or the end cut off
      bytes = [...encodeTlv(randomTree(next, 0), randomTree(next, 0))];
      const at = Math.floor(next() * bytes.length);
      const change = next();
      if (change < 0.25) bytes[at] = interesting[Math.floor(next() * interesting.length)];
      else if (change < 0.5) bytes = bytes.slice(0, at);
    }
    let objects: Tlv[];
    try {
      objects = parseTlv(bytes);
    } catch (e) {
      assert.ok(e instanceof RangeError, `${toHexString(bytes)}: ${e}`);
      assert.match(e.message, /offset \d+|nested deeper/);
      refused++;
      continue;
    }
    // what parses is whole: it encodes back to something that parses to the same objects
    assert.deepEqual(
      parseTlv(reencode(objects)).map(String),
      objects.map(String),
      toHexString(bytes),
    );
    parsed++;
  }
  assert.ok(parsed > 5000 && refused > 5000, `${parsed} parsed, ${refused} refused`);
});

Deno.test("parseTlv refuses every truncation of an object instead of returning part of it", () => {
  const bytes = toBytes(FCI);
  for (let cut = 1; cut < bytes.length; cut++) {
    assert.throws(() => parseTlv(bytes.slice(0, cut)), RangeError, `cut at ${cut}`);
  }
});
