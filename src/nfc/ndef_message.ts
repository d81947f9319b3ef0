/**
 * Web NFC's `NDEFMessage`: the records of one NDEF message, and its bytes both ways.
 *
 * @module
 */

import { decodeRecords, encodeRecords, type RawRecord } from "./ndef_bytes.ts";
import { createMessage } from "./create_records.ts";
import { type NDEFMessageInit, type NDEFRecord, rawRecordOf } from "./ndef_record.ts";
import { parseRecord } from "./parse_records.ts";

let reading: readonly NDEFRecord[] | null = null;

/**
 * An NDEF message. `new NDEFMessage(init)` checks every record as writing would (at least one
 * record; errors as `NDEFRecord`'s); an `NDEFReadingEvent` carries the message read from a tag,
 * whose `records` may be empty (a formatted tag with no message).
 */
export class NDEFMessage {
  /** The records, in order (frozen). */
  readonly records: readonly NDEFRecord[];

  /** A message made from `messageInit`, as Web NFC's "create NDEF message" builds it. */
  constructor(messageInit: NDEFMessageInit) {
    this.records = Object.freeze(reading ?? createMessage(messageInit, "", 0).records);
    reading = null;
  }

  /** The message's bytes (NDEF 1.0), ready for a tag; an empty message has none. */
  toBytes(): Uint8Array {
    return this.records.length === 0
      ? new Uint8Array()
      : encodeRecords(this.records.map(rawRecordOf));
  }

  /**
   * The message in `bytes` (an NDEF message, as on a tag), as the NFC reading algorithm
   * exposes it: records Web NFC does not expose (a local type at the top, an unknown well-known
   * type) are left out. Bytes that are no NDEF message throw an `NdefFormatError`.
   */
  static fromBytes(bytes: Uint8Array): NDEFMessage {
    return messageOf(bytes.length === 0 ? [] : decodeRecords(bytes));
  }
}

/** A message of the records read from a tag. */
export function messageOf(raws: readonly RawRecord[]): NDEFMessage {
  const records: NDEFRecord[] = [];
  for (const raw of raws) {
    const record = parseRecord(raw, "");
    if (record !== null) records.push(record);
  }
  reading = records;
  try {
    return new NDEFMessage(undefined as unknown as NDEFMessageInit);
  } finally {
    reading = null;
  }
}
