/**
 * Testing NFC code without a reader or a tag, as a user would in their own project: a small
 * "poster" module that puts a URL on a tag and reads it back, tested with the testing kit's
 * virtual NTAG215 and Type 4 tag, through the real pcscd, with the tag's memory checked.
 *
 * Run it as root on Debian with pcscd and vsmartcard-vpcd installed:
 * `deno test -A examples/testing_my_nfc_code_test.ts`. Elsewhere its tests are ignored, with
 * one line saying what is missing.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type CardConnection, readers } from "../mod.ts";
import { readNdef, writeNdef } from "../src/nfc/mod.ts";
import {
  missingRequirements,
  startVirtualStack,
  type VirtualCard,
  virtualNtag,
  virtualType4Tag,
} from "../src/testing/mod.ts";

// ---- the code under test: what a user's application would hold ----

/** Puts `url` on the tag as its only record. */
async function publish(connection: CardConnection, url: string): Promise<void> {
  await writeNdef(connection, { records: [{ recordType: "url", data: url }] });
}

/** The URL on the tag, or null when it holds none. */
async function publishedUrl(connection: CardConnection): Promise<string | null> {
  const { records } = await readNdef(connection);
  const record = records.find((r) => r.recordType === "url");
  return record?.data ? new TextDecoder().decode(record.data) : null;
}

// ---- the tests ----

const missing = await missingRequirements();
if (missing.length > 0) console.log(`NFC tests ignored: missing ${missing.join(", ")}`);

/** A connection to the tag once pcscd has seen it. */
async function connectTo(tag: VirtualCard): Promise<CardConnection> {
  await tag.insert();
  await tag.waitPresent();
  const connection = readers()[0].createConnection();
  await connection.connect();
  return connection;
}

Deno.test({
  name: "a URL published on an NTAG215 is read back, and the tag holds it as NDEF",
  ignore: missing.length > 0,
  async fn() {
    await using stack = await startVirtualStack();
    await using tag = virtualNtag(stack, { model: "NTAG215" });
    using connection = await connectTo(tag);
    assert.equal(await publishedUrl(connection), null, "a new tag holds no URL");
    await publish(connection, "https://example.com/poster");
    assert.equal(await publishedUrl(connection), "https://example.com/poster");
    // the tag's memory: an NDEF TLV (03) from page 4, its URI record with the https:// prefix (04)
    const [tlv, , , , , , prefix] = await tag.pages(4, 2);
    assert.equal(tlv, 0x03);
    assert.equal(prefix, 0x04);
  },
});

Deno.test({
  name: "the same code works on a Type 4 tag",
  ignore: missing.length > 0,
  async fn() {
    await using stack = await startVirtualStack();
    await using tag = virtualType4Tag(stack);
    using connection = await connectTo(tag);
    await publish(connection, "https://example.com/type4");
    assert.equal(await publishedUrl(connection), "https://example.com/type4");
  },
});
