/**
 * The Type 2 mapping over a tag in memory, for what the virtual NTAG does not show: areas a
 * Memory Control TLV reserves inside the data area, a Lock Control TLV's lock bits, a static
 * lock bit, a TLV running past the data area.
 */

import assert from "node:assert/strict";
import { lockType2, readType2, type Type2Io, writeType2 } from "../../src/nfc/type2_ndef.ts";

/** A tag of `pages` pages: `head` from page 0, written pages recorded. */
function memoryTag(
  pages: number,
  head: number[],
): { io: Type2Io; memory: Uint8Array; writes: number[] } {
  const memory = new Uint8Array(pages * 4);
  memory.set(head);
  const writes: number[] = [];
  return {
    memory,
    writes,
    io: {
      read: (page) =>
        Promise.resolve(
          Uint8Array.from({ length: 16 }, (_, i) => memory[(page * 4 + i) % memory.length]),
        ),
      write: (page, bytes) => {
        writes.push(page);
        memory.set(bytes, page * 4);
        return Promise.resolve();
      },
    },
  };
}

const HEADER = [4, 1, 2, 0x8f, 3, 4, 5, 6, 7, 0x48, 0, 0];

Deno.test("a Memory Control TLV's area is skipped when writing and reading the message", async () => {
  // 64-byte data area; Memory Control TLV 80 04 02: 4 bytes reserved at page 8 (4-byte pages)
  const tag = memoryTag(24, [
    ...HEADER,
    0xe1,
    0x10,
    0x08,
    0x00,
    0x02,
    0x03,
    0x80,
    0x04,
    0x02,
    0x00,
    0xfe,
  ]);
  const state = await readType2(tag.io);
  assert.deepEqual([...state.reserved], [32, 33, 34, 35]);
  tag.memory.set([0xaa, 0xbb, 0xcc, 0xdd], 32);
  const message = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
  await writeType2(tag.io, state, message);
  assert.deepEqual([...tag.memory.subarray(32, 36)], [0xaa, 0xbb, 0xcc, 0xdd]);
  assert.deepEqual((await readType2(tag.io)).message, message);
  // the length's page first (with 0), the others, the length's page last
  assert.equal(tag.writes[0], 5);
  assert.equal(tag.writes.at(-1), 5);
  assert.ok(!tag.writes.includes(8));
});

Deno.test("a page under a static lock bit is refused before anything is written", async () => {
  // static lock byte 0, bit 5: page 5 locked
  const head = [...HEADER.slice(0, 10), 0x20, 0x00, 0xe1, 0x10, 0x06, 0x00, 0x03, 0x00, 0xfe];
  const tag = memoryTag(16, head);
  const state = await readType2(tag.io);
  await assert.rejects(
    writeType2(tag.io, state, new Uint8Array(8).fill(0x55)),
    /pages 5, 6 of the tag are locked|page.*locked/,
  );
  assert.deepEqual(tag.writes, []);
});

Deno.test("capacity: 1-byte lengths up to 254, 3-byte ones above; a larger message is refused", async () => {
  const small = memoryTag(16, [...HEADER, 0xe1, 0x10, 0x06, 0x00, 0x03, 0x00, 0xfe]);
  assert.equal((await readType2(small.io)).capacity, 46);
  const large = memoryTag(135, [...HEADER, 0xe1, 0x10, 0x3e, 0x00, 0x03, 0x00, 0xfe]);
  const state = await readType2(large.io);
  assert.equal(state.capacity, 492);
  await assert.rejects(writeType2(large.io, state, new Uint8Array(493)), /holds at most 492/);
  assert.deepEqual(large.writes, []);
});

Deno.test("a TLV running past the data area is NotReadableError; no E1 is NotSupportedError", async () => {
  const broken = memoryTag(16, [...HEADER, 0xe1, 0x10, 0x06, 0x00, 0x03, 0x40]);
  await assert.rejects(
    readType2(broken.io),
    (e: unknown) => e instanceof DOMException && e.name === "NotReadableError",
  );
  const blank = memoryTag(16, [...HEADER, 0, 0, 0, 0]);
  await assert.rejects(
    readType2(blank.io),
    (e: unknown) => e instanceof DOMException && e.name === "NotSupportedError",
  );
});

Deno.test("lockType2 sets CC write access, the static lock bytes and the Lock Control TLV's bits", async () => {
  // NTAG213-like: Lock Control TLV at page 40, 12 bits, 8 bytes a bit
  const tag = memoryTag(45, [
    ...HEADER,
    0xe1,
    0x10,
    0x12,
    0x00,
    0x01,
    0x03,
    0xa0,
    0x0c,
    0x34,
    0x03,
    0x00,
    0xfe,
  ]);
  await lockType2(tag.io, await readType2(tag.io));
  assert.deepEqual([...tag.memory.subarray(12, 16)], [0xe1, 0x10, 0x12, 0x0f]);
  assert.deepEqual([...tag.memory.subarray(8, 12)], [7, 0x48, 0xff, 0xff]);
  assert.deepEqual([...tag.memory.subarray(160, 164)], [0xff, 0x0f, 0x00, 0x00]);
  assert.deepEqual(tag.writes, [3, 2, 40]);
});
