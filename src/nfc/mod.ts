/**
 * NDEF and the W3C Web NFC API (https://w3c.github.io/web-nfc/) over PC/SC contactless readers:
 * code written for Chrome on Android (`new NDEFReader()`, `scan()`, `onreading`, `write()`,
 * `makeReadOnly()`) runs in Deno with a USB reader (ACR122U, ACR1252U, Identiv, Omnikey).
 *
 * Tags are NFC Forum Type 2 (MIFARE Ultralight, NTAG213/215/216) and Type 4 tags, seen as
 * contactless cards by their ATR in PC/SC Part 3's forms, never by the reader's name. Writes
 * put the NDEF length last, so an interrupted write leaves an empty message, never a broken
 * one. Needs `--allow-ffi`.
 *
 * @example
 * ```ts
 * import { NDEFReader } from "@pcsc/smartcard/nfc";
 *
 * const ndef = new NDEFReader();
 * ndef.onreading = ({ serialNumber, message }) => {
 *   for (const record of message.records) console.log(serialNumber, record.recordType);
 * };
 * await ndef.scan({ signal: AbortSignal.timeout(60_000) });
 * await ndef.write({ records: [{ recordType: "url", data: "https://example.com/" }] });
 * ```
 *
 * For code that holds a connection already (either facade's):
 * ```ts
 * import { readNdef, writeNdef } from "@pcsc/smartcard/nfc";
 * declare const connection: import("@pcsc/smartcard").CardConnection;
 * const message = await readNdef(connection);
 * await writeNdef(connection, "Hello");
 * ```
 *
 * @module
 */

export {
  type NDEFMessageInit,
  type NDEFMessageSource,
  NDEFRecord,
  type NDEFRecordDataSource,
  type NDEFRecordInit,
} from "./ndef_record.ts";
export { NDEFMessage } from "./ndef_message.ts";
export { NDEFReadingEvent, type NDEFReadingEventInit } from "./ndef_reading_event.ts";
export {
  type NDEFMakeReadOnlyOptions,
  NDEFReader,
  type NDEFReaderOptions,
  type NDEFScanOptions,
  type NDEFWriteOptions,
} from "./ndef_reader.ts";
export {
  makeNdefReadOnly,
  type NdefConnection,
  type NdefTagContent,
  type NdefTagType,
  ndefTagTypeOf,
  readNdef,
  readNdefContent,
  serialNumberOf,
  writeNdef,
  type WriteNdefOptions,
} from "./ndef_tag.ts";
export { NdefFormatError } from "./ndef_bytes.ts";
export { NdefTagError, type WriteProgress } from "./ndef_tag_error.ts";
