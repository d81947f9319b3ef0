/**
 * NDEF messages as bytes (NFC Forum NDEF 1.0): the record header MB ME CF SR IL TNF, short and
 * long records, IDs, and chunked records joined on read.
 *
 * @module
 */

/** The Type Name Format values of NDEF 1.0, 3.2.6. */
export const TNF = Object.freeze(
  {
    EMPTY: 0,
    WELL_KNOWN: 1,
    MEDIA: 2,
    ABSOLUTE_URI: 3,
    EXTERNAL: 4,
    UNKNOWN: 5,
    UNCHANGED: 6,
    RESERVED: 7,
  } as const,
);

const MB = 0x80;
const ME = 0x40;
const CF = 0x20;
const SR = 0x10;
const IL = 0x08;

/** One NDEF record as it is on the tag: its TNF, TYPE, ID (null without IL) and PAYLOAD. */
export interface RawRecord {
  readonly tnf: number;
  readonly type: Uint8Array;
  readonly id: Uint8Array | null;
  readonly payload: Uint8Array;
}

/** Bytes that are not an NDEF message, with the offset where that shows. */
export class NdefFormatError extends Error {
  /**
   * Creates an `NdefFormatError`.
   * @param message what is wrong
   * @param offset the byte where it shows
   */
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
    this.name = "NdefFormatError";
  }
}

/** The largest payload one record carries (PAYLOAD LENGTH is 32 bits). */
export const MAX_PAYLOAD = 0xffffffff;

/**
 * The bytes of a message made of `records`: MB on the first, ME on the last, the short form
 * (SR) for payloads under 256 bytes, IL where the record has an ID. Never chunked.
 */
export function encodeRecords(records: readonly RawRecord[]): Uint8Array {
  if (records.length === 0) throw new RangeError("an NDEF message has at least one record");
  const parts: Uint8Array[] = [];
  records.forEach((r, i) => {
    if (r.type.length > 255) throw new RangeError(`record ${i}: TYPE longer than 255 bytes`);
    if (r.id !== null && r.id.length > 255) {
      throw new RangeError(`record ${i}: ID longer than 255 bytes`);
    }
    const short = r.payload.length < 256;
    const header = (i === 0 ? MB : 0) | (i === records.length - 1 ? ME : 0) |
      (short ? SR : 0) | (r.id !== null ? IL : 0) | r.tnf;
    const head = [header, r.type.length];
    if (short) head.push(r.payload.length);
    else {
      const n = r.payload.length;
      head.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
    }
    if (r.id !== null) head.push(r.id.length);
    parts.push(Uint8Array.from(head), r.type);
    if (r.id !== null) parts.push(r.id);
    parts.push(r.payload);
  });
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The records of the message in `bytes`, chunked records joined into one. The first record
 * must have MB, chunks must follow NDEF 1.0's rules, and an empty record must have no TYPE, ID
 * or PAYLOAD. A message read from a tag must end with ME inside `bytes` (bytes after it are
 * ignored); a `nested` one (a record's payload) may also just end, as Web NFC's "parse records
 * from bytes" reads it. Throws an {@link NdefFormatError} saying where it broke.
 */
export function decodeRecords(bytes: Uint8Array, nested = false): RawRecord[] {
  const records: RawRecord[] = [];
  let at = 0;
  let chunks: { tnf: number; type: Uint8Array; id: Uint8Array | null; parts: Uint8Array[] } | null =
    null;
  const need = (n: number, what: string) => {
    if (at + n > bytes.length) {
      throw new NdefFormatError(`the message ends inside a record's ${what}`, at);
    }
  };
  for (;;) {
    const start = at;
    need(1, "header");
    const header = bytes[at++];
    if (start === 0 && !(header & MB)) {
      throw new NdefFormatError("the first record does not have MB set", start);
    }
    if (start !== 0 && header & MB) {
      throw new NdefFormatError("a record after the first has MB set", start);
    }
    const tnf = header & 0x07;
    need(header & SR ? 2 : 5, "header");
    const typeLength = bytes[at++];
    let payloadLength: number;
    if (header & SR) payloadLength = bytes[at++];
    else {
      payloadLength = ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) +
        bytes[at + 3];
      at += 4;
    }
    let idLength = 0;
    if (header & IL) {
      need(1, "ID length");
      idLength = bytes[at++];
    }
    need(typeLength, "TYPE");
    const type = bytes.slice(at, at += typeLength);
    need(idLength, "ID");
    const id = header & IL ? bytes.slice(at, at += idLength) : null;
    need(payloadLength, "PAYLOAD");
    const payload = bytes.slice(at, at += payloadLength);

    if (tnf === TNF.EMPTY && (typeLength || idLength || payloadLength)) {
      throw new NdefFormatError("an empty record (TNF 0) with a TYPE, ID or PAYLOAD", start);
    }
    if (chunks === null) {
      if (tnf === TNF.UNCHANGED) {
        throw new NdefFormatError("TNF 6 (unchanged) outside a chunked record", start);
      }
      if (header & CF) {
        if (header & ME) throw new NdefFormatError("a first chunk with ME set", start);
        chunks = { tnf, type, id, parts: [payload] };
      } else records.push({ tnf, type, id, payload });
    } else {
      if (tnf !== TNF.UNCHANGED || typeLength !== 0 || header & IL) {
        throw new NdefFormatError(
          "a middle or last chunk with a TNF other than 6, a TYPE or an ID",
          start,
        );
      }
      chunks.parts.push(payload);
      if (!(header & CF)) {
        const joined = new Uint8Array(chunks.parts.reduce((n, p) => n + p.length, 0));
        let o = 0;
        for (const p of chunks.parts) {
          joined.set(p, o);
          o += p.length;
        }
        records.push({ tnf: chunks.tnf, type: chunks.type, id: chunks.id, payload: joined });
        chunks = null;
      } else if (header & ME) throw new NdefFormatError("a middle chunk with ME set", start);
    }
    if (header & ME) return records;
    if (at >= bytes.length) {
      if (nested && chunks === null) return records;
      throw new NdefFormatError("the last record does not have ME set", at);
    }
    if (nested && bytes.length - at < 3) {
      throw new NdefFormatError("fewer than 3 bytes left for a record", at);
    }
  }
}
