/**
 * Web NFC's `NDEFRecord`, and the spec's two directions: "create NDEF record" / "create NDEF
 * message" (from `NDEFRecordInit` to NDEF, with their validation errors) and "parse an NDEF
 * record" / "parse records from bytes" (from NDEF to `NDEFRecord`).
 * https://w3c.github.io/web-nfc/ ("Creating Web NFC message", "Parsing content").
 *
 * @module
 */

import { domainToAscii, domainToUnicode } from "./domain.ts";
import {
  decodeRecords,
  encodeRecords,
  NdefFormatError,
  type RawRecord,
  TNF,
} from "./ndef_bytes.ts";
import { parseMimeType, serializeMimeType } from "./mime_type.ts";
import { abbreviateUri, URI_PREFIXES } from "./uri_prefixes.ts";

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

interface Fields {
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

// ---- from NDEFRecordInit to NDEF ("Creating Web NFC message") ----

const encoder = new TextEncoder();
const utf8 = (s: string): Uint8Array => encoder.encode(s);
const decoder = new TextDecoder();

interface RecordDictionary {
  readonly recordType: string;
  readonly mediaType?: string;
  readonly id?: string;
  readonly encoding?: string;
  readonly lang?: string;
  readonly data: unknown;
}

function usvString(value: unknown, where: string): string {
  if (typeof value === "symbol") throw new TypeError(`${where} must be a string, not a Symbol`);
  return String(value).toWellFormed();
}

function optionalString(value: unknown, where: string): string | undefined {
  // null counts as absent, so that a record read from a tag can be written back as it is
  return value === undefined || value === null ? undefined : usvString(value, where);
}

/** WebIDL's conversion of a value to `NDEFRecordInit`. */
function recordDictionary(value: unknown, where: string): RecordDictionary {
  if (
    value !== undefined && value !== null && typeof value !== "object" &&
    typeof value !== "function"
  ) {
    throw new TypeError(`${where} must be an NDEFRecordInit object`);
  }
  const dict = (value ?? {}) as Record<string, unknown>;
  const data = dict.data;
  const encoding = optionalString(dict.encoding, `${where}.encoding`);
  const id = optionalString(dict.id, `${where}.id`);
  const lang = optionalString(dict.lang, `${where}.lang`);
  const mediaType = optionalString(dict.mediaType, `${where}.mediaType`);
  if (dict.recordType === undefined) throw new TypeError(`${where}.recordType is required`);
  const recordType = usvString(dict.recordType, `${where}.recordType`);
  return { recordType, mediaType, id, encoding, lang, data };
}

/** WebIDL's conversion of a value to `NDEFMessageInit`: its records, each converted. */
function messageDictionary(value: unknown, where: string): RecordDictionary[] {
  if (
    value !== undefined && value !== null && typeof value !== "object" &&
    typeof value !== "function"
  ) {
    throw new TypeError(`${where} must be an NDEFMessageInit object`);
  }
  const records = (value as { records?: unknown } | null | undefined)?.records;
  if (records === undefined) throw new TypeError(`${where}.records is required`);
  if (
    records === null || typeof records !== "object" ||
    typeof (records as Iterable<unknown>)[Symbol.iterator] !== "function"
  ) {
    throw new TypeError(`${where}.records must be a sequence of NDEFRecordInit`);
  }
  return [...(records as Iterable<unknown>)].map((r, i) =>
    recordDictionary(r, `${where}.records[${i}]`)
  );
}

function isBufferSource(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function bufferBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return value instanceof ArrayBuffer
    ? new Uint8Array(value.slice(0))
    : new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
}

function isMessageInit(value: unknown): boolean {
  return value !== null && (typeof value === "object" || typeof value === "function") &&
    !isBufferSource(value);
}

/**
 * "create NDEF message" for an `NDEFMessageInit`: the records, checked as the context wants
 * (a smart poster's), with `recordsDepth` counting the nested messages.
 */
export function createMessage(
  init: unknown,
  context: RecordContext,
  recordsDepth: number,
  where = "message",
): { records: NDEFRecord[]; raw: RawRecord[] } {
  const records = messageDictionary(init, where);
  if (records.length === 0) throw new TypeError(`${where}.records must not be empty`);
  if (++recordsDepth > MAX_RECORDS_DEPTH) {
    throw new TypeError(`${where}: more than ${MAX_RECORDS_DEPTH} nested NDEF messages`);
  }
  const made = records.map((r, i) =>
    createRecord(r, context, recordsDepth, `${where}.records[${i}]`)
  );
  if (context === "smart-poster") {
    checkSmartPoster(made.map((f) => f.recordType), where, TypeError);
    made.unshift(...made.splice(made.findIndex((f) => f.recordType === "url"), 1));
  }
  return { records: made.map(recordFrom), raw: made.map((f) => f.raw) };
}

/** What "create NDEF message" makes of `write()`'s argument. */
export function createMessageFromSource(source: unknown): RawRecord[] {
  if (typeof source === "symbol") throw new TypeError("message must not be a Symbol");
  if (isBufferSource(source)) {
    return [
      createRecord(
        { recordType: "mime", mediaType: "application/octet-stream", data: source },
        "",
        1,
        "message",
      ).raw,
    ];
  }
  if (
    source !== undefined && source !== null && typeof source !== "object" &&
    typeof source !== "function"
  ) {
    return [createRecord({ recordType: "text", data: String(source) }, "", 1, "message").raw];
  }
  return createMessage(source, "", 0).raw;
}

function checkSmartPoster(
  types: readonly string[],
  where: string,
  ErrorClass: new (message: string) => Error,
): void {
  const count = (t: string) => types.filter((x) => x === t).length;
  if (count("url") !== 1) {
    throw new ErrorClass(
      `${where}: a smart poster holds exactly one "url" record, not ${count("url")}`,
    );
  }
  for (const [t, name] of [[":t", "type"], [":s", "size"], [":act", "action"]]) {
    if (count(t) > 1) {
      throw new ErrorClass(`${where}: a smart poster holds at most one ${name} record ("${t}")`);
    }
  }
}

function createRecord(
  record: RecordDictionary,
  context: RecordContext,
  recordsDepth: number,
  where: string,
): Fields {
  const id = record.id === undefined ? null : utf8(record.id);
  const type = record.recordType;
  const noMediaType = () => {
    if (record.mediaType !== undefined) {
      throw new TypeError(`${where}.mediaType applies only to "mime" records, not "${type}"`);
    }
  };
  const base = { mediaType: null, id: record.id ?? null, encoding: null, lang: null };
  const needBuffer = (what: string) => {
    if (!isBufferSource(record.data)) {
      throw new TypeError(`${where}.data of a "${type}" record must be ${what}`);
    }
    return bufferBytes(record.data);
  };

  switch (type) {
    case "empty": {
      noMediaType();
      if (record.id !== undefined) throw new TypeError(`${where}: an "empty" record has no id`);
      return {
        ...base,
        recordType: "empty",
        data: null,
        raw: { tnf: TNF.EMPTY, type: new Uint8Array(), id: null, payload: new Uint8Array() },
      };
    }
    case "text":
      noMediaType();
      return createText(record, id, where);
    case "url": {
      noMediaType();
      if (typeof record.data !== "string") {
        throw new TypeError(`${where}.data of a "url" record must be a string`);
      }
      const url = parseUrl(record.data, where);
      const { code, rest } = abbreviateUri(url);
      const payload = new Uint8Array([code, ...utf8(rest)]);
      return {
        ...base,
        recordType: "url",
        data: utf8(url),
        raw: { tnf: TNF.WELL_KNOWN, type: utf8("U"), id, payload },
      };
    }
    case "mime": {
      const data = needBuffer("an ArrayBuffer or a view of one");
      const parsed = record.mediaType === undefined ? null : parseMimeType(record.mediaType);
      const mediaType = parsed === null ? "application/octet-stream" : serializeMimeType(parsed);
      return {
        ...base,
        recordType: "mime",
        mediaType,
        data,
        raw: { tnf: TNF.MEDIA, type: utf8(mediaType), id, payload: data },
      };
    }
    case "unknown": {
      // Web NFC's "create NDEF record" lists no "unknown" step; its data mapping (TNF 5) and
      // Chrome have one: this follows them
      noMediaType();
      const data = needBuffer("an ArrayBuffer or a view of one");
      return {
        ...base,
        recordType: "unknown",
        data,
        raw: { tnf: TNF.UNKNOWN, type: new Uint8Array(), id, payload: data },
      };
    }
    case "smart-poster": {
      noMediaType();
      if (!isMessageInit(record.data)) {
        throw new TypeError(`${where}.data of a "smart-poster" record must be an NDEFMessageInit`);
      }
      const payload = encodeRecords(
        createMessage(record.data, "smart-poster", recordsDepth, `${where}.data`).raw,
      );
      return {
        ...base,
        recordType: "smart-poster",
        data: payload,
        raw: { tnf: TNF.WELL_KNOWN, type: utf8("Sp"), id, payload },
      };
    }
    case "absolute-url": {
      if (context === "smart-poster") {
        throw new TypeError(
          `${where}: a smart poster takes its URL as a "url" record, not "absolute-url"`,
        );
      }
      noMediaType();
      if (typeof record.data !== "string") {
        throw new TypeError(`${where}.data of an "absolute-url" record must be a string`);
      }
      parseUrl(record.data, where);
      const data = utf8(record.data);
      return {
        ...base,
        recordType: "absolute-url",
        data,
        raw: { tnf: TNF.ABSOLUTE_URI, type: data, id, payload: new Uint8Array() },
      };
    }
  }

  if (type.startsWith(":")) {
    if (context === "") {
      throw new TypeError(
        `${where}: the local type "${type}" belongs inside a smart-poster, external or local type record`,
      );
    }
    if (!isLocalType(type)) {
      throw new TypeError(
        `${where}: "${type}" is not a local type (":" then a lower-case letter or a digit, ASCII, at most 255 bytes)`,
      );
    }
    noMediaType();
    const name = type.slice(1);
    let payload: Uint8Array;
    if (isBufferSource(record.data)) payload = bufferBytes(record.data);
    else if (isMessageInit(record.data)) {
      payload = encodeRecords(
        createMessage(record.data, "local", recordsDepth, `${where}.data`).raw,
      );
    } else {
      throw new TypeError(
        `${where}.data of a local type record must be bytes or an NDEFMessageInit`,
      );
    }
    if (
      context === "smart-poster" && name === "s" &&
      (!isBufferSource(record.data) || payload.length !== 4)
    ) {
      throw new TypeError(`${where}: a smart poster's size record (":s") holds exactly 4 bytes`);
    }
    if (
      context === "smart-poster" && name === "act" &&
      (!isBufferSource(record.data) || payload.length !== 1)
    ) {
      throw new TypeError(`${where}: a smart poster's action record (":act") holds exactly 1 byte`);
    }
    return {
      ...base,
      recordType: type,
      data: payload,
      raw: { tnf: TNF.WELL_KNOWN, type: utf8(name), id, payload },
    };
  }

  const external = splitExternalType(type);
  if (external !== null) {
    noMediaType();
    const customTypeName = utf8(`${external.ascii}:${external.type}`);
    if (customTypeName.length > 255) {
      throw new TypeError(`${where}: the external type "${type}" is longer than 255 bytes`);
    }
    let payload: Uint8Array;
    if (isBufferSource(record.data)) payload = bufferBytes(record.data);
    else if (isMessageInit(record.data)) {
      payload = encodeRecords(
        createMessage(record.data, "external", recordsDepth, `${where}.data`).raw,
      );
    } else {
      throw new TypeError(
        `${where}.data of an external type record must be bytes or an NDEFMessageInit`,
      );
    }
    return {
      ...base,
      recordType: type,
      data: payload,
      raw: { tnf: TNF.EXTERNAL, type: customTypeName, id, payload },
    };
  }
  throw new TypeError(
    `${where}.recordType "${type}" is not a record type: "empty", "text", "url", "absolute-url", "mime", "smart-poster", "unknown", an external type (domain:type) or a local type (:type)`,
  );
}

const TEXT_ENCODINGS = ["utf-8", "utf-16", "utf-16le", "utf-16be"];

function createText(record: RecordDictionary, id: Uint8Array | null, where: string): Fields {
  const data = record.data;
  let label: string;
  let text: Uint8Array;
  if (typeof data === "string") {
    if (record.encoding !== undefined && record.encoding !== "utf-8") {
      throw new TypeError(
        `${where}.encoding of text given as a string must be "utf-8", not "${record.encoding}"`,
      );
    }
    label = "utf-8";
    text = utf8(data);
  } else if (isBufferSource(data)) {
    label = record.encoding ?? "utf-8";
    if (!TEXT_ENCODINGS.includes(label)) {
      throw new TypeError(
        `${where}.encoding "${label}" is not one of ${TEXT_ENCODINGS.join(", ")}`,
      );
    }
    text = bufferBytes(data);
  } else {
    throw new TypeError(`${where}.data of a "text" record must be a string or bytes`);
  }
  // no document here to take a lang attribute from: Web NFC's fallback, "en"
  const language = record.lang ?? "en";
  const langBytes = utf8(language);
  if (langBytes.length > 63) {
    throw new DOMException(
      `${where}.lang is ${langBytes.length} bytes; a text record holds at most 63`,
      "SyntaxError",
    );
  }
  const utf16 = label !== "utf-8";
  const body = utf16 ? utf16BigEndian(text, label) : text;
  const payload = new Uint8Array(1 + langBytes.length + body.length);
  payload[0] = (utf16 ? 0x80 : 0) | langBytes.length;
  payload.set(langBytes, 1);
  payload.set(body, 1 + langBytes.length);
  return {
    recordType: "text",
    mediaType: null,
    id: record.id ?? null,
    data: text,
    encoding: label,
    lang: language,
    raw: { tnf: TNF.WELL_KNOWN, type: utf8("T"), id, payload },
  };
}

/**
 * UTF-16 text as big-endian without a byte order mark, the form NFC Forum's Text RTD assumes
 * when there is no BOM: a BOM in the data wins over the label, as a `TextDecoder` has it.
 */
function utf16BigEndian(bytes: Uint8Array, label: string): Uint8Array {
  let little = label !== "utf-16be";
  let body = bytes;
  if (bytes[0] === 0xfe && bytes[1] === 0xff) [little, body] = [false, bytes.subarray(2)];
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) [little, body] = [true, bytes.subarray(2)];
  const out = body.slice();
  if (little) {
    for (let i = 0; i + 1 < out.length; i += 2) [out[i], out[i + 1]] = [out[i + 1], out[i]];
  }
  return out;
}

function parseUrl(text: string, where: string): string {
  try {
    return new URL(text).href;
  } catch {
    throw new DOMException(`${where}.data is not a URL: ${JSON.stringify(text)}`, "SyntaxError");
  }
}

const EXTERNAL_TYPE_CHARS = /^[A-Za-z0-9$'()*+,\-.;=@_]+$/;

/** "validate external type": the domain (as given and as ASCII) and the type, or null. */
export function splitExternalType(
  input: string,
): { domain: string; ascii: string; type: string } | null {
  const colon = input.indexOf(":");
  if (colon < 0) return null;
  const domain = input.slice(0, colon);
  const type = input.slice(colon + 1);
  // Web NFC's steps let an empty type through; NFC Forum's RTD (and Chrome) do not
  if (!EXTERNAL_TYPE_CHARS.test(type)) return null;
  const ascii = domainToAscii(domain);
  return ascii === null ? null : { domain, ascii, type };
}

/** "validate local type", with Chrome's ASCII rule (which the spec's tests follow). */
function isLocalType(input: string): boolean {
  const name = input.slice(input.indexOf(":") + 1);
  return name.length >= 1 && name.length <= 255 && [...name].every((c) => c.charCodeAt(0) < 0x80) &&
    /^[a-z0-9]/.test(name);
}

// ---- from NDEF to NDEFRecord ("Parsing content") ----

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
