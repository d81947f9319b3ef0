/**
 * Reads block 4 of a MIFARE Classic card with key A (the transport key FF FF FF FF FF FF unless
 * given as the first argument, in hex), through PC/SC Part 3's pseudo-APDUs.
 *
 *   deno run --allow-ffi examples/mifare_classic_read.ts [KEY]
 */

import { CardRequest, toBytes, toHexString } from "../mod.ts";
import { authenticate, getUid, loadKey, readBinary } from "../src/contactless/mod.ts";

const key = toBytes(Deno.args[0] ?? "FF FF FF FF FF FF");
using request = new CardRequest({ timeout: 30 });
using service = await request.waitforcard();
const connection = service.connection;
await connection.connect();
console.log("UID", toHexString(await getUid(connection)));
await loadKey(connection, key, { slot: 0 }); // the reader's volatile slot 0
await authenticate(connection, 4, "A", 0); // sector 1, key A from slot 0
console.log("block 4", toHexString(await readBinary(connection, 4, 16)));
