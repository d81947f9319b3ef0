/**
 * Web NFC's "parse an NDEF record" and "parse records from bytes": from NDEF records to
 * `NDEFRecord`s. https://w3c.github.io/web-nfc/ ("Parsing content").
 *
 * @module
 */

import {
  checkSmartPoster,
  decoder,
  isLocalType,
  splitExternalType,
  utf8,
} from "./create_records.ts";
import { type NDEFRecord, type RecordContext, recordFrom } from "./ndef_record.ts";
import { domainToUnicode } from "./domain.ts";
import { decodeRecords, NdefFormatError, type RawRecord, TNF } from "./ndef_bytes.ts";
import { parseMimeType, serializeMimeType } from "./mime_type.ts";
import { URI_PREFIXES } from "./uri_prefixes.ts";

/**
 * "parse an NDEF record": the `NDEFRecord` for `raw` in `context`, or null for a record Web NFC
 * does not expose. A smart poster's size or action record of the wrong length is a TypeError.
 */
export function parseRecord(raw: RawRecord, context: RecordContext): NDEFRecord | null {
  const id = raw.id === null ? null : decoder.decode(raw.id);
  const payload = raw.payload.length > 0 ? raw.payload : null;
  const base = { mediaType: null, id, encoding: null, lang: null, raw };
  switch (raw.tnf) {
    case TNF.EMPTY:
      return recordFrom({ ...base, id: null, recordType: "empty", data: null });
    case TNF.WELL_KNOWN: {
      const type = decoder.decode(raw.type);
      if (type === "T") {
        if (payload === null) return recordFrom({ ...base, recordType: "text", data: null });
        const langLength = payload[0] & 0x3f;
        if (1 + langLength > payload.length) {
          throw new NdefFormatError(
            `a text record's language is ${langLength} bytes but its payload ${payload.length}`,
            0,
          );
        }
        return recordFrom({
          ...base,
          recordType: "text",
          lang: String.fromCharCode(...payload.subarray(1, 1 + langLength)),
          encoding: payload[0] & 0x80 ? "utf-16be" : "utf-8",
          data: payload.slice(1 + langLength),
        });
      }
      if (type === "U") {
        if (payload === null) return recordFrom({ ...base, recordType: "url", data: null });
        const prefix = URI_PREFIXES[payload[0]];
        const data = prefix === undefined
          ? payload
          : new Uint8Array([...utf8(prefix), ...payload.subarray(1)]);
        return recordFrom({ ...base, recordType: "url", data });
      }
      if (type === "Sp") return recordFrom({ ...base, recordType: "smart-poster", data: payload });
      if (context === "smart-poster" && (type === "s" || type === "act")) {
        const length = type === "s" ? 4 : 1;
        if (raw.payload.length !== length) {
          throw new TypeError(
            `a smart poster's ":${type}" record holds ${length} byte(s), not ${raw.payload.length}`,
          );
        }
      }
      // Chrome exposes a local type only inside another record, and leaves out what it does
      // not know (a "Sig" or "Hr" record) rather than failing the message: so does this
      if (isLocalType(`:${type}`) && context !== "") {
        return recordFrom({ ...base, recordType: `:${type}`, data: raw.payload.slice() });
      }
      return null;
    }
    case TNF.MEDIA: {
      const type = decoder.decode(raw.type);
      const parsed = parseMimeType(type);
      return recordFrom({
        ...base,
        recordType: "mime",
        mediaType: parsed === null ? type : serializeMimeType(parsed),
        data: payload,
      });
    }
    case TNF.ABSOLUTE_URI:
      return recordFrom({ ...base, recordType: "absolute-url", data: raw.type.slice() });
    case TNF.EXTERNAL: {
      const split = splitExternalType(decoder.decode(raw.type));
      if (split === null || split.domain.toLowerCase() !== split.ascii) return null;
      const domain = domainToUnicode(split.domain);
      if (domain === null) return null;
      return recordFrom({ ...base, recordType: `${domain}:${split.type}`, data: payload });
    }
    default:
      // TNF 5, and 7 (reserved), which NDEF 1.0 tells parsers to treat as unknown
      return recordFrom({ ...base, recordType: "unknown", data: payload });
  }
}

/** "parse records from bytes": null where `bytes` are not an NDEF message. */
export function parseRecordsFromBytes(
  bytes: Uint8Array | null,
  context: RecordContext,
): NDEFRecord[] | null {
  if (bytes === null || bytes.length === 0) return null;
  let raws: RawRecord[];
  try {
    raws = decodeRecords(bytes, true);
  } catch (error) {
    if (error instanceof NdefFormatError) return null;
    throw error;
  }
  const records: NDEFRecord[] = [];
  for (const raw of raws) {
    let record: NDEFRecord | null;
    try {
      record = parseRecord(raw, context);
    } catch (error) {
      if (error instanceof NdefFormatError) return null;
      throw error;
    }
    if (record !== null) records.push(record);
  }
  if (context === "smart-poster") {
    checkSmartPoster(records.map((r) => r.recordType), "smart poster", TypeError);
  }
  return records;
}
