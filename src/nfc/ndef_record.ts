/**
 * Web NFC's `NDEFRecord` and the dictionaries it is made from; the spec's two directions are
 * `create_records.ts` (from `NDEFRecordInit` to NDEF) and `parse_records.ts` (from NDEF to
 * `NDEFRecord`). https://w3c.github.io/web-nfc/
 *
 * @module
 */

import { createRecord, recordDictionary, splitExternalType } from "./create_records.ts";
import { parseRecordsFromBytes } from "./parse_records.ts";
import type { RawRecord } from "./ndef_bytes.ts";

/** The data of a record: text, bytes, or a message of its own (smart poster, external, local). */
export type NDEFRecordDataSource = string | ArrayBuffer | ArrayBufferView | NDEFMessageInit;

/** What an `NDEFRecord` is made from (Web NFC's `NDEFRecordInit` dictionary). */
export interface NDEFRecordInit {
  /** "empty", "text", "url", "absolute-url", "mime", "smart-poster", "unknown", an external type ("example.com:a") or, inside another record, a local type (":act"). */
  recordType: string;
  /** The MIME type of a "mime" record; default "application/octet-stream". */
  mediaType?: string;
  /** The record identifier (IL and ID fields). */
  id?: string;
  /** For "text" with bytes: "utf-8" (default), "utf-16", "utf-16le" or "utf-16be". */
  encoding?: string;
  /** For "text": the language tag (default "en"), at most 63 bytes. */
  lang?: string;
  /** Text, bytes, or an `NDEFMessageInit`, as the record type allows. */
  data?: NDEFRecordDataSource | unknown;
}

/** What an `NDEFMessage` is made from (Web NFC's `NDEFMessageInit` dictionary). */
export interface NDEFMessageInit {
  /** The records, at least one. */
  records: Iterable<NDEFRecordInit>;
}

/** What `NDEFReader.write` takes: text (a "text" record), bytes (a "mime" record) or a message. */
export type NDEFMessageSource = string | ArrayBuffer | ArrayBufferView | NDEFMessageInit;

/** Where a record sits: at the top of a message, or inside a smart poster, external or local record. */
export type RecordContext = "" | "smart-poster" | "external" | "local";

/** The most nested messages one message may hold, the outermost counted (Web NFC: 32). */
export const MAX_RECORDS_DEPTH = 32;

export interface Fields {
  readonly recordType: string;
  readonly mediaType: string | null;
  readonly id: string | null;
  readonly data: Uint8Array | null;
  readonly encoding: string | null;
  readonly lang: string | null;
  readonly raw: RawRecord;
}

let making: Fields | null = null;
const rawOf = new WeakMap<NDEFRecord, RawRecord>();

/**
 * One NDEF record as Web NFC exposes it. `new NDEFRecord(init)` validates `init` as writing it
 * would (a `TypeError` or a "SyntaxError" `DOMException` naming what is wrong); records read
 * from a tag come in an `NDEFReadingEvent`'s message.
 *
 * @example
 * ```ts
 * import { NDEFRecord } from "@pcsc/smartcard/nfc";
 * const record = new NDEFRecord({ recordType: "url", data: "https://example.com/" });
 * console.log(record.recordType, new TextDecoder().decode(record.data!));
 * ```
 */
export class NDEFRecord {
  /** "empty", "text", "url", "absolute-url", "mime", "smart-poster", "unknown", an external type or a local type (":t"). */
  readonly recordType: string;
  /** The MIME type of a "mime" record, else null. */
  readonly mediaType: string | null;
  /** The record identifier, or null when the record has none. */
  readonly id: string | null;
  /** The encoding of a "text" record's data ("utf-8", "utf-16be"...), else null. */
  readonly encoding: string | null;
  /** The language tag of a "text" record, else null. */
  readonly lang: string | null;
  readonly #data: DataView | null;

  /**
   * A record from `recordInit`, as Web NFC's "create NDEF record" builds it at the top of a
   * message (so a local type is refused here: it belongs inside another record).
   */
  constructor(recordInit: NDEFRecordInit) {
    const fields = making ??
      createRecord(recordDictionary(recordInit, "recordInit"), "", 0, "recordInit");
    making = null;
    this.recordType = fields.recordType;
    this.mediaType = fields.mediaType;
    this.id = fields.id;
    this.encoding = fields.encoding;
    this.lang = fields.lang;
    this.#data = fields.data === null ? null : new DataView(fields.data.slice().buffer);
    rawOf.set(this, fields.raw);
  }

  /** The PAYLOAD (for "url": the whole URL; for "text": the text without its header), or null. */
  get data(): DataView | null {
    return this.#data;
  }

  /**
   * The records of a smart poster, an external type or a local type record's payload; null
   * when the payload is not an NDEF message. Other records throw a "NotSupportedError".
   */
  toRecords(): NDEFRecord[] | null {
    let context: RecordContext;
    if (this.recordType === "smart-poster") context = "smart-poster";
    else if (this.recordType.startsWith(":")) context = "local";
    else if (splitExternalType(this.recordType) !== null) context = "external";
    else {
      throw new DOMException(
        `A "${this.recordType}" record holds no records: only smart-poster, external type and local type records do`,
        "NotSupportedError",
      );
    }
    const bytes = this.#data === null ? null : new Uint8Array(this.#data.buffer);
    return parseRecordsFromBytes(bytes, context);
  }

  /** The record as `NDEFRecordInit`-like JSON: data as text where the record is text. */
  toJSON(): Record<string, unknown> {
    return {
      recordType: this.recordType,
      mediaType: this.mediaType,
      id: this.id,
      encoding: this.encoding,
      lang: this.lang,
      data: this.#data === null ? null : [...new Uint8Array(this.#data.buffer)],
    };
  }
}

/** The record as it goes on the tag. */
export function rawRecordOf(record: NDEFRecord): RawRecord {
  const raw = rawOf.get(record);
  if (raw === undefined) throw new TypeError("not an NDEFRecord");
  return raw;
}

/** An `NDEFRecord` with these fields, not validated again. */
export function recordFrom(fields: Fields): NDEFRecord {
  making = fields;
  try {
    return new NDEFRecord(undefined as unknown as NDEFRecordInit);
  } finally {
    making = null;
  }
}
