/**
 * Tags as they come and go: each NDEF tag's UID and records, with Web NFC's NDEFReader on any
 * PC/SC contactless reader. Ctrl-C ends it (or after SECONDS, the first argument).
 *
 *   deno run --allow-ffi examples/nfc_read_tags.ts [SECONDS]
 */

import { NDEFReader, type NDEFRecord } from "../src/nfc/mod.ts";

function show(record: NDEFRecord, indent = "  "): void {
  const data = record.data === null ? new Uint8Array() : new Uint8Array(record.data.buffer);
  const text = ["text", "url", "absolute-url"].includes(record.recordType)
    ? JSON.stringify(new TextDecoder(record.encoding ?? "utf-8").decode(data))
    : `${data.length} bytes`;
  console.log(
    `${indent}${record.recordType}${record.mediaType ? ` ${record.mediaType}` : ""}: ${text}`,
  );
  if (record.recordType === "smart-poster" || record.recordType.includes(":")) {
    for (const inner of record.toRecords() ?? []) show(inner, `${indent}  `);
  }
}

const controller = new AbortController();
Deno.addSignalListener("SIGINT", () => controller.abort());
if (Deno.args[0]) setTimeout(() => controller.abort(), Number(Deno.args[0]) * 1000);

const ndef = new NDEFReader();
ndef.onreading = ({ serialNumber, message }) => {
  console.log(`tag ${serialNumber || "(no UID)"}: ${message.records.length} record(s)`);
  for (const record of message.records) show(record);
};
ndef.onreadingerror = () => console.log("a tag without NDEF, or with a broken message");
await ndef.scan({ signal: controller.signal });
console.log("waiting for tags (Ctrl-C ends)");
await new Promise((resolve) => controller.signal.addEventListener("abort", resolve));
Deno.exit(0);
