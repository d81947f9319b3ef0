/**
 * NDEF on the kit's virtual NFC Forum Type 4 tag through the real pcscd: the NDEF application,
 * CC and NDEF files, reads in pieces of MLe and writes in pieces of MLc, NLEN written 0 first and
 * for real last (checked by cutting the write at every command), the refusals; and
 * NDEFReader's reading of a Type 4 tag and readingerror for a MIFARE Classic.
 */

import assert from "node:assert/strict";
import { type CardConnection, readers } from "../../mod.ts";
import {
  makeNdefReadOnly,
  NDEFMessage,
  NDEFReader,
  type NDEFReadingEvent,
  NdefTagError,
  readNdef,
  readNdefContent,
  writeNdef,
} from "../../src/nfc/mod.ts";
import { nfcWatchStopped } from "../../src/nfc/ndef_reader.ts";
import {
  READER_NAMES,
  virtualMifareClassic,
  type VirtualType4Tag,
  virtualType4Tag,
} from "../../src/testing/mod.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../../src/testing/presence.ts";

const { stack, onStack } = await stackFixture({
  after: async (stack) => {
    if (!stack.running) return;
    for (const reader of READER_NAMES) await cardPresent(reader, false);
  },
});
const text = (v: DataView | null) => new TextDecoder().decode(v!);

async function connect(tag: VirtualType4Tag): Promise<CardConnection> {
  await tag.insert();
  await tag.waitPresent();
  const connection = readers().find((r) => r.name === tag.readerName)!.createConnection();
  await connection.connect();
  return connection;
}

onStack(
  "Type 4: an empty NDEF file, then a message written in MLc pieces and read in MLe pieces",
  async () => {
    await using tag = virtualType4Tag(stack, { mle: 59, mlc: 52, ndefFileSize: 1024 });
    using connection = await connect(tag);
    const empty = await readNdefContent(connection);
    assert.deepEqual([empty.type, empty.bytes.length, empty.capacity, empty.writable], [
      "type4",
      0,
      1022,
      true,
    ]);
    const long = "t".repeat(500);
    await writeNdef(connection, { records: [{ recordType: "text", data: long, id: "4" }] });
    const expected = new NDEFMessage({ records: [{ recordType: "text", data: long, id: "4" }] })
      .toBytes();
    assert.deepEqual(await tag.ndefMessage(), [...expected]);
    const file = (await tag.files()).ndefFile;
    assert.deepEqual([file[0], file[1]], [expected.length >> 8, expected.length & 0xff]);
    const [record] = (await readNdef(connection)).records;
    assert.deepEqual([record.id, text(record.data)], ["4", long]);
  },
);

onStack(
  "Type 4: NLEN is 0 from the first UPDATE BINARY to the last, which writes the real one",
  async () => {
    // tests alternate readers: pcscd can miss (or find unpowered) a virtual card that comes to a
    // vpcd reader right after another left it
    await using tag = virtualType4Tag(stack, { mlc: 52, reader: 1 });
    using connection = await connect(tag);
    const old = "o".repeat(200);
    await writeNdef(connection, old);
    const cutAt = (k: number) => {
      let updates = 0;
      return new Proxy(connection, {
        get(target, key) {
          if (key === "transmit") {
            return (command: Uint8Array) =>
              command[1] === 0xd6 && ++updates === k
                ? Promise.reject(new Error("the tag left the field"))
                : target.transmit(command);
          }
          const value = Reflect.get(target, key);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
    };
    let steps = 0;
    for (let k = 1;; k++) {
      const failure = await writeNdef(cutAt(k), "n".repeat(200)).then(() => null, (e) => e);
      if (failure === null) break;
      assert.ok(
        failure instanceof NdefTagError && failure.name === "NetworkError",
        String(failure),
      );
      steps = failure.progress!.total;
      assert.match(
        failure.message,
        new RegExp(`${k - 1} of ${steps} UPDATE BINARY commands written`),
      );
      const records = (await readNdef(connection)).records;
      if (k === 1) assert.equal(text(records[0].data), old);
      else assert.equal(records.length, 0, `cut at ${k}`);
      await writeNdef(connection, old);
    }
    // NLEN 0, four pieces of 52 bytes or fewer (the 207-byte message), NLEN
    assert.equal(steps, 6);
  },
);

onStack("Type 4: refusals before anything is written; no makeReadOnly", async () => {
  {
    await using tag = virtualType4Tag(stack, { readOnly: true, ndefMessage: [0xd0, 0x00, 0x00] });
    using connection = await connect(tag);
    assert.deepEqual((await readNdef(connection)).records.map((r) => r.recordType), ["empty"]);
    await assert.rejects(
      writeNdef(connection, "x"),
      (e: unknown) => e instanceof NdefTagError && e.name === "NotAllowedError",
    );
    await assert.rejects(
      makeNdefReadOnly(connection),
      (e: unknown) => e instanceof NdefTagError && e.name === "NotSupportedError",
    );
    await tag.remove();
    await tag.waitAbsent();
  }
  {
    await using tag = virtualType4Tag(stack, { ndefFileSize: 32, reader: 1 });
    using connection = await connect(tag);
    const before = await tag.files();
    await assert.rejects(
      writeNdef(connection, "y".repeat(40)),
      (e: unknown) =>
        e instanceof NdefTagError && e.name === "NotSupportedError" &&
        /holds at most 30/.test(e.message),
    );
    assert.deepEqual(await tag.files(), before);
  }
});

onStack("NDEFReader: a Type 4 tag is read; a MIFARE Classic gives readingerror", async () => {
  const ndef = new NDEFReader();
  const controller = new AbortController();
  const events: Event[] = [];
  let wake = () => {};
  ndef.onreading = ndef.onreadingerror = (e: Event) => {
    events.push(e);
    wake();
  };
  const next = () =>
    new Promise<Event>((resolve) => {
      wake = () => resolve(events.shift()!);
      if (events.length) wake();
    });
  await ndef.scan({ signal: controller.signal });
  try {
    {
      const message = new NDEFMessage({
        records: [{ recordType: "url", data: "https://type4.example/" }],
      });
      await using tag = virtualType4Tag(stack, {
        uid: [4, 1, 2, 3, 4, 5, 6],
        ndefMessage: [...message.toBytes()],
      });
      const event = next();
      await tag.insert();
      const reading = await event as NDEFReadingEvent;
      assert.equal(reading.serialNumber, "04:01:02:03:04:05:06");
      assert.equal(text(reading.message.records[0].data), "https://type4.example/");
      await tag.remove();
      await tag.waitAbsent();
    }
    {
      await using card = virtualMifareClassic(stack, { reader: 1 });
      const event = next();
      await card.insert();
      assert.equal((await event).type, "readingerror");
    }
  } finally {
    controller.abort();
    await nfcWatchStopped();
  }
});
