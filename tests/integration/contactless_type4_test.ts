/**
 * The kit's virtual Type 4 tag through the real pcscd: the reader's GET DATA, and the NDEF
 * application's files as ISO 7816-4 commands reach them, MLe and MLc enforced.
 */

import assert from "node:assert/strict";
import { readers } from "../../mod.ts";
import { contactlessInfo, getAts, getUid } from "../../src/contactless/mod.ts";
import { READER_NAMES, virtualType4Tag } from "../../src/testing/mod.ts";
import "../support/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../support/presence.ts";

const { stack, onStack } = await stackFixture({
  after: (stack) => stack.running ? cardPresent(READER_NAMES[0], false) : Promise.resolve(),
});

const SELECT_APP = [0x00, 0xa4, 0x04, 0x00, 0x07, 0xd2, 0x76, 0x00, 0x00, 0x85, 0x01, 0x01, 0x00];
const select = (id: number) => [0x00, 0xa4, 0x00, 0x0c, 0x02, id >> 8, id & 0xff];

onStack("Type 4: T=CL ATR, UID and ATS, CC and NDEF files, MLe/MLc limits", async () => {
  const message = [0xd1, 0x01, 0x04, 0x54, 0x02, 0x65, 0x6e, 0x68]; // a short text record
  await using tag = virtualType4Tag(stack, {
    uid: [0x04, 1, 2, 3, 4, 5, 6],
    ndefMessage: message,
    ndefFileSize: 256,
    mle: 32,
    mlc: 16,
  });
  await tag.insert();
  await tag.waitPresent();
  using connection = readers().find((r) => r.name === tag.readerName)!.createConnection();
  await connection.connect();
  assert.deepEqual(contactlessInfo(connection.getATR()), {
    kind: "iso14443-4",
    historicalBytes: [0x80],
    typeB: undefined,
  });
  assert.deepEqual(await getUid(connection), [0x04, 1, 2, 3, 4, 5, 6]);
  assert.deepEqual(await getAts(connection), [0x80]);
  const ok = async (apdu: number[]) => {
    const [data, sw1, sw2] = await connection.transmit(apdu);
    assert.deepEqual([sw1, sw2], [0x90, 0x00], `${apdu} answered ${sw1} ${sw2}`);
    return data;
  };
  assert.deepEqual(await connection.transmit(select(0xe103)), [[], 0x6a, 0x82]); // no app yet
  await ok(SELECT_APP);
  await ok(select(0xe103));
  assert.deepEqual(await ok([0x00, 0xb0, 0x00, 0x00, 0x0f]), [
    0x00,
    0x0f,
    0x20,
    0x00,
    0x20,
    0x00,
    0x10,
    0x04,
    0x06,
    0xe1,
    0x04,
    0x01,
    0x00,
    0x00,
    0x00,
  ]);
  await ok(select(0xe104));
  assert.deepEqual(await ok([0x00, 0xb0, 0x00, 0x00, 0x0a]), [0x00, 0x08, ...message]);
  assert.deepEqual((await connection.transmit([0x00, 0xb0, 0x00, 0x00, 0x21])).slice(1), [
    0x67,
    0x00,
  ]);
  // an update over MLc is refused; within it, it lands in the file (NLEN last)
  const long = [0x00, 0xd6, 0x00, 0x02, 0x11, ...new Array(17).fill(0x55)];
  assert.deepEqual((await connection.transmit(long)).slice(1), [0x67, 0x00]);
  await ok([0x00, 0xd6, 0x00, 0x00, 0x02, 0x00, 0x00]);
  await ok([0x00, 0xd6, 0x00, 0x02, 0x03, 0xd0, 0x00, 0x00]);
  await ok([0x00, 0xd6, 0x00, 0x00, 0x02, 0x00, 0x03]);
  assert.deepEqual(await tag.ndefMessage(), [0xd0, 0x00, 0x00]);
  assert.deepEqual((await tag.files()).capabilityContainer.length, 15);
  assert.deepEqual((await connection.transmit([0x00, 0xd6, 0x00, 0xff, 0x02, 1, 2])).slice(1), [
    0x6a,
    0x84,
  ]);
});

onStack("Type 4 tests: stop the daemon (cleanup)", () => stack.stop());
