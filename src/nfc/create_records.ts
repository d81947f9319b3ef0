/**
 * Web NFC's "create NDEF record" and "create NDEF message": from `NDEFRecordInit` to NDEF
 * records, with the spec's validation errors.
 * https://w3c.github.io/web-nfc/ ("Creating Web NFC message").
 *
 * @module
 */

import {
  type Fields,
  MAX_RECORDS_DEPTH,
  type NDEFRecord,
  type RecordContext,
  recordFrom,
} from "./ndef_record.ts";
import { domainToAscii } from "./domain.ts";
import { encodeRecords, type RawRecord, TNF } from "./ndef_bytes.ts";
import { parseMimeType, serializeMimeType } from "./mime_type.ts";
import { abbreviateUri } from "./uri_prefixes.ts";

const encoder = new TextEncoder();
/** A string's UTF-8 bytes. */
export const utf8 = (s: string): Uint8Array => encoder.encode(s);
/** The UTF-8 decoder the records' texts are read with. */
export const decoder: TextDecoder = new TextDecoder();

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
export function recordDictionary(value: unknown, where: string): RecordDictionary {
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

export function checkSmartPoster(
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

export function createRecord(
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
export function isLocalType(input: string): boolean {
  const name = input.slice(input.indexOf(":") + 1);
  return name.length >= 1 && name.length <= 255 && [...name].every((c) => c.charCodeAt(0) < 0x80) &&
    /^[a-z0-9]/.test(name);
}
