/**
 * NDEF and Web NFC through the real pcscd, on the kit's virtual NTAG: readNdef and writeNdef on
 * a connection, the bytes they leave on the tag, writes refused before anything is written, a
 * write interrupted at every step, and NDEFReader's scan, write and makeReadOnly.
 */

import assert from "node:assert/strict";
import { type CardConnection, readers } from "../../mod.ts";
import {
  NDEFReader,
  type NDEFReadingEvent,
  NdefTagError,
  readNdef,
  writeNdef,
} from "../../src/nfc/mod.ts";
import { READER_NAMES, type VirtualNtag, virtualNtag } from "../../src/testing/mod.ts";
import { nfcWatchStopped } from "../../src/nfc/ndef_reader.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../../src/testing/presence.ts";

const { stack, onStack } = await stackFixture({
  after: async (stack) => {
    if (!stack.running) return;
    for (const reader of READER_NAMES) await cardPresent(reader, false);
  },
});
const UID = [0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66];
const text = (v: DataView | null) => new TextDecoder().decode(v!);

async function connect(tag: VirtualNtag, insert = true): Promise<CardConnection> {
  if (insert) await tag.insert();
  await tag.waitPresent();
  const connection = readers().find((r) => r.name === tag.readerName)!.createConnection();
  await connection.connect();
  return connection;
}

function isTagError(name: string, pattern?: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof NdefTagError, String(e));
    assert.equal(e.name, name);
    if (pattern) assert.match(e.message, pattern);
    return true;
  };
}

onStack(
  "readNdef: a tag as delivered holds an empty message; writeNdef leaves TLVs on the pages",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG213", uid: UID });
    using connection = await connect(tag);
    assert.deepEqual((await readNdef(connection)).records, []);
    await writeNdef(connection, { records: [{ recordType: "url", data: "https://example.com/" }] });
    // the NTAG213's Lock Control TLV stays; NDEF TLV 03, length 0x11, the record, terminator
    assert.deepEqual(await tag.pages(4, 7), [
      0x01,
      0x03,
      0xa0,
      0x0c,
      0x34,
      0x03,
      0x11,
      0xd1,
      0x01,
      0x0d,
      0x55,
      0x04,
      ...new TextEncoder().encode("example.com/"),
      0xfe,
      0x00,
      0x00,
      0x00,
    ]);
    const [record] = (await readNdef(connection)).records;
    assert.deepEqual([record.recordType, text(record.data)], ["url", "https://example.com/"]);
  },
);

onStack("a message over 254 bytes takes the 3-byte TLV length, and reads back", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG215" });
  using connection = await connect(tag);
  const long = "x".repeat(400);
  await writeNdef(connection, long);
  const memory = await tag.pages(4, 1);
  assert.deepEqual(memory.slice(0, 2), [0x03, 0xff]);
  const [record] = (await readNdef(connection)).records;
  assert.equal(text(record.data), long);
});

onStack("a message larger than the tag is refused before anything is written", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG213" });
  using connection = await connect(tag);
  const before = await tag.memory();
  await assert.rejects(
    writeNdef(connection, { records: [{ recordType: "mime", data: new Uint8Array(200) }] }),
    isTagError("NotSupportedError", /holds at most 1\d\d/),
  );
  assert.deepEqual(await tag.memory(), before);
});

onStack("overwrite: false writes to an empty tag and refuses one with records", async () => {
  await using tag = virtualNtag(stack, { model: "NTAG215" });
  using connection = await connect(tag);
  await writeNdef(connection, "first", { overwrite: false });
  await assert.rejects(
    writeNdef(connection, "second", { overwrite: false }),
    isTagError("NotAllowedError"),
  );
  assert.equal(text((await readNdef(connection)).records[0].data), "first");
});

onStack(
  "a write cut at any page leaves an empty message (or, at the last, the old or new one)",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG215" });
    using connection = await connect(tag);
    // old and new differ in every byte, so that every page of the message is written each time
    const old = "o".repeat(300);
    await writeNdef(connection, old);
    const message = "n".repeat(300);
    // a connection that fails the k-th UPDATE BINARY, as a tag leaving the field would
    const cutAt = (k: number) => {
      let updates = 0;
      return new Proxy(connection, {
        get(target, key) {
          if (key === "transmit") {
            return (command: Uint8Array) => {
              if (command[0] === 0xff && command[1] === 0xd6 && ++updates === k) {
                return Promise.reject(new Error("the tag left the field"));
              }
              return target.transmit(command);
            };
          }
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    let total = 0;
    for (let k = 1;; k++) {
      const failure = await writeNdef(cutAt(k), message).then(() => null, (e) => e);
      if (failure === null) break;
      assert.ok(failure instanceof NdefTagError && failure.name === "NetworkError");
      const { written, total: steps, tagHolds } = failure.progress!;
      if (k === 1) total = steps;
      else assert.equal(steps, total);
      assert.equal(written, k - 1);
      assert.match(failure.message, new RegExp(`${k - 1} of ${steps} pages written`));
      const records = (await readNdef(connection)).records;
      if (k === 1) assert.equal(text(records[0].data), old);
      else if (k < steps) assert.deepEqual([tagHolds, records.length], ["empty", 0]);
      else assert.equal(tagHolds, "unknown");
      await writeNdef(connection, old);
    }
    assert.ok(total > 70, `the write took ${total} pages`);
  },
);

onStack(
  "NDEFReader.scan: reading with the serial number and message; readingerror for an unformatted tag",
  async () => {
    const ndef = new NDEFReader();
    const controller = new AbortController();
    const events: Event[] = [];
    let notify = () => {};
    const next = () =>
      new Promise<Event>((resolve) => {
        notify = () => resolve(events.shift()!);
        if (events.length) notify();
      });
    ndef.onreading = (e) => {
      events.push(e);
      notify();
    };
    ndef.onreadingerror = (e) => {
      events.push(e);
      notify();
    };
    await ndef.scan({ signal: controller.signal });
    // each tag goes to the other reader than the one before, and leaves before the next
    // comes: pcscd, polling its readers, may miss a card swapped faster than it looks
    const present = async (tag: VirtualNtag) => {
      const event = next();
      await tag.insert();
      return await event;
    };
    try {
      {
        await using tag = virtualNtag(stack, {
          model: "NTAG215",
          uid: UID,
          data: [0x03, 0x0a, 0xd1, 0x01, 0x06, 0x54, 0x02, 0x65, 0x6e, 0x68, 0x69, 0x21, 0xfe],
        });
        const reading = await present(tag) as NDEFReadingEvent;
        assert.equal(reading.type, "reading");
        assert.equal(reading.serialNumber, "04:11:22:33:44:55:66");
        assert.deepEqual(reading.message.records.map((r) => [r.recordType, r.lang, text(r.data)]), [
          ["text", "en", "hi!"],
        ]);
        await tag.remove();
        await tag.waitAbsent();
      }
      {
        await using tag = virtualNtag(stack, {
          model: "NTAG213",
          capabilityContainer: [0, 0, 0, 0],
          reader: 1,
        });
        assert.equal((await present(tag)).type, "readingerror");
        await tag.remove();
        await tag.waitAbsent();
      }
      {
        // a broken message: the TLV holds 4 bytes, the record inside says its payload is 32
        await using tag = virtualNtag(stack, {
          model: "NTAG215",
          data: [0x03, 0x04, 0xd1, 0x01, 0x20, 0x54, 0xfe],
        });
        assert.equal((await present(tag)).type, "readingerror");
        await tag.remove();
        await tag.waitAbsent();
      }
    } finally {
      controller.abort();
      await nfcWatchStopped();
    }
    await assert.rejects(
      ndef.scan({ signal: AbortSignal.abort() }),
      (e: unknown) => e instanceof DOMException && e.name === "AbortError",
    );
  },
);

onStack(
  "NDEFReader.scan twice is an InvalidStateError; after the abort it scans again",
  async () => {
    const ndef = new NDEFReader();
    const controller = new AbortController();
    await ndef.scan({ signal: controller.signal });
    await assert.rejects(
      ndef.scan(),
      (e: unknown) => e instanceof DOMException && e.name === "InvalidStateError",
    );
    controller.abort();
    const again = new AbortController();
    await ndef.scan({ signal: again.signal });
    again.abort();
    await nfcWatchStopped();
  },
);

onStack(
  "NDEFReader.write waits for the next tag and writes to it; a later write replaces a waiting one",
  async () => {
    const ndef = new NDEFReader();
    const first = ndef.write("replaced");
    const second = new NDEFReader().write({
      records: [{ recordType: "url", data: "https://example.org/x" }],
    });
    await assert.rejects(
      first,
      (e: unknown) => e instanceof DOMException && e.name === "AbortError",
    );
    // reader 1: the test before ended with a tag leaving reader 0, and pcscd can miss a virtual
    // card that comes to a vpcd reader right after another left it
    await using tag = virtualNtag(stack, { model: "NTAG215", reader: 1 });
    await tag.insert();
    await second;
    await nfcWatchStopped();
    using connection = await connect(tag, false);
    assert.equal(text((await readNdef(connection)).records[0].data), "https://example.org/x");
  },
);

onStack(
  "NDEFReader.write writes to the tag present, and rejects invalid messages before anything",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG215" });
    using connection = await connect(tag);
    const ndef = new NDEFReader();
    await assert.rejects(ndef.write({ records: [] }), TypeError);
    await assert.rejects(
      ndef.write({ records: [{ recordType: "url", data: "no url" }] }),
      (e: unknown) => e instanceof DOMException && e.name === "SyntaxError",
    );
    await ndef.write("present");
    assert.equal(text((await readNdef(connection)).records[0].data), "present");
    await assert.rejects(
      ndef.write("again", { overwrite: false }),
      (e: unknown) => e instanceof DOMException && e.name === "NotAllowedError",
    );
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(
      ndef.write("x", { signal: aborted.signal }),
      (e: unknown) => e instanceof DOMException && e.name === "AbortError",
    );
    await nfcWatchStopped();
  },
);

onStack(
  "NDEFReader.makeReadOnly sets the capability container and lock bits; writes are then refused",
  async () => {
    await using tag = virtualNtag(stack, { model: "NTAG213" });
    using connection = await connect(tag);
    await writeNdef(connection, "final");
    await new NDEFReader().makeReadOnly();
    await nfcWatchStopped();
    assert.deepEqual(await tag.pages(3, 1), [0xe1, 0x10, 0x12, 0x0f]);
    assert.deepEqual((await tag.pages(2, 1)).slice(2), [0xff, 0xff]);
    assert.deepEqual((await tag.pages(40, 1)).slice(0, 2), [0xff, 0x0f]);
    await assert.rejects(writeNdef(connection, "more"), isTagError("NotAllowedError", /read-only/));
    assert.equal(text((await readNdef(connection)).records[0].data), "final");
  },
);
