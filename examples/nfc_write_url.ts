/**
 * Writes a URL to the next tag (or the one on the reader), as Chrome's Web NFC would.
 *
 *   deno run --allow-ffi examples/nfc_write_url.ts https://example.com/
 */

import { NDEFReader } from "../src/nfc/mod.ts";

const url = Deno.args[0] ?? "https://example.com/";
console.log(`hold a tag to the reader to write ${url}`);
// give up after a minute; an unref'd timer, so that it does not keep the process alive
const giveUp = new AbortController();
Deno.unrefTimer(setTimeout(() => giveUp.abort(), 60_000));
try {
  await new NDEFReader().write(
    { records: [{ recordType: "url", data: url }] },
    { signal: giveUp.signal },
  );
  console.log("written");
} catch (error) {
  // a DOMException with Web NFC's name: NotSupportedError, NotAllowedError, NetworkError...
  console.error(`not written: ${(error as Error).name}: ${(error as Error).message}`);
  Deno.exitCode = 1;
}
