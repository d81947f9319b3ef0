/**
 * NDEF on a connected contactless card: which NFC Forum tag type it is (from its ATR, in PC/SC
 * Part 3's forms), its serial number, and its message read, written or locked through the
 * Type 2 or Type 4 mapping.
 *
 * @module
 */

import {
  type ContactlessConnection,
  contactlessInfo,
  decodeCapabilityContainer,
  getUid,
  readPages,
  type Type2Layout,
  type2Layout,
  writePage,
} from "../contactless/mod.ts";
// the one APDU exchange over either facade, which ./contactless keeps to itself
import { exchange, readAtr } from "../contactless/connection.ts";
import { messageOf, NDEFMessage } from "./ndef_message.ts";
import { decodeRecords, encodeRecords, NdefFormatError } from "./ndef_bytes.ts";
import { createMessageFromSource } from "./create_records.ts";
import { type NDEFMessageSource, rawRecordOf } from "./ndef_record.ts";
import { NdefTagError } from "./ndef_tag_error.ts";
import {
  type DynamicLockHint,
  lockType2,
  readType2,
  type Type2Io,
  writeType2,
} from "./type2_ndef.ts";
import { readType4, type Type4Transmit, writeType4 } from "./type4_ndef.ts";

/** A connected connection of either facade (pyscard's `CardConnection`, the Web API's `SmartCardConnection`). */
export type NdefConnection = ContactlessConnection;

/** The NFC Forum tag types this module maps NDEF on. */
export type NdefTagType = "type2" | "type4";

/** MIFARE Classic's card names in Part 3's table (1K, 4K, Mini): no NFC Forum mapping here. */
const MIFARE_CLASSIC = new Set([0x0001, 0x0002, 0x0026]);
/** Part 3's standard byte for ISO 14443 A part 3, where Type 2 tags are. */
const ISO14443A_3 = 0x03;

/**
 * The tag type an ATR in Part 3's forms says: an ISO 14443-4 card may be a Type 4 tag, an
 * ISO 14443 A part 3 storage card other than a MIFARE Classic a Type 2 tag. Null for an ATR
 * that is not a contactless card's, or a card with no mapping here.
 */
export function ndefTagTypeOf(atr: readonly number[]): NdefTagType | null {
  const info = contactlessInfo(atr);
  if (info === null) return null;
  if (info.kind === "iso14443-4") return "type4";
  if (info.standard.code === ISO14443A_3 && !MIFARE_CLASSIC.has(info.card.code)) return "type2";
  return null;
}

/** Whether `atr` is one a PC/SC Part 3 reader builds for a contactless card. */
export function isContactlessAtr(atr: readonly number[]): boolean {
  return contactlessInfo(atr) !== null;
}

/** The tag's UID as Web NFC's serial number: lower-case hex bytes joined by ":"; "" when the reader gives none. */
export async function serialNumberOf(connection: NdefConnection): Promise<string> {
  try {
    return (await getUid(connection)).map((b) => b.toString(16).padStart(2, "0")).join(":");
  } catch {
    return "";
  }
}

async function tagTypeOf(connection: NdefConnection): Promise<NdefTagType> {
  const atr = await readAtr(connection);
  const type = ndefTagTypeOf(atr);
  if (type === null) {
    throw new NdefTagError(
      isContactlessAtr(atr)
        ? "the card is a contactless card without an NFC Forum NDEF mapping here (MIFARE Classic, ISO 15693, FeliCa)"
        : "the card is not a contactless card in a PC/SC Part 3 reader (its ATR is not in Part 3's forms)",
      "NotSupportedError",
    );
  }
  return type;
}

function type2Io(connection: NdefConnection, layout: () => Type2Layout | undefined): Type2Io {
  return {
    read: async (page) => Uint8Array.from(await readPages(connection, page, 4)),
    write: async (page, bytes, what) => {
      await writePage(connection, page, bytes, {
        type2Layout: layout(),
        allowLockBytes: what === "lock",
        allowCapabilityContainer: what === "capability-container",
      });
    },
  };
}

function type4Transmit(connection: NdefConnection): Type4Transmit {
  return (apdu) => exchange(connection, apdu);
}

async function type2Session(connection: NdefConnection) {
  const known: { layout?: Type2Layout } = {};
  const io = type2Io(connection, () => known.layout);
  const head = await io.read(0);
  const layout = known.layout = type2Layout(decodeCapabilityContainer(head.subarray(12, 16)));
  const hint: DynamicLockHint | undefined = layout.dynamicLockPage === undefined
    ? undefined
    : { page: layout.dynamicLockPage, bytesPerBit: (layout.pagesPerDynamicLockBit ?? 2) * 4 };
  return { io, state: await readType2(io, hint) };
}

/** What {@link readNdef} found. */
export interface NdefTagContent {
  /** The tag type. */
  readonly type: NdefTagType;
  /** The message's bytes (empty: no message). */
  readonly bytes: Uint8Array;
  /** The largest message the tag takes, in bytes. */
  readonly capacity: number;
  /** Whether the tag lets the message be written. */
  readonly writable: boolean;
}

/** Reads the tag's NDEF bytes, with its capacity. */
export async function readNdefContent(connection: NdefConnection): Promise<NdefTagContent> {
  const type = await tagTypeOf(connection);
  return await network(async () => {
    if (type === "type2") {
      const { state } = await type2Session(connection);
      return { type, bytes: state.message, capacity: state.capacity, writable: state.writable };
    }
    const state = await readType4(type4Transmit(connection));
    return { type, bytes: state.message, capacity: state.capacity, writable: state.writable };
  });
}

/**
 * The NDEF message on the tag behind `connection`, connected (pyscard's `CardConnection` or the
 * Web API's `SmartCardConnection`): NFC Forum Type 2 (MIFARE Ultralight, NTAG21x) or Type 4,
 * told apart by the ATR. A formatted tag without a message gives a message without records.
 * @throws NdefTagError "NotSupportedError" for a card without NDEF, "NotReadableError" for a
 * broken message, "NetworkError" when the exchange fails
 */
export async function readNdef(connection: NdefConnection): Promise<NDEFMessage> {
  const { bytes } = await readNdefContent(connection);
  try {
    return messageOf(bytes.length === 0 ? [] : decodeRecords(bytes));
  } catch (error) {
    if (error instanceof NdefFormatError || error instanceof TypeError) {
      throw new NdefTagError(
        `the tag's NDEF message is broken: ${error.message}`,
        "NotReadableError",
        { cause: error },
      );
    }
    throw error;
  }
}

/** The options of {@link writeNdef}. */
export interface WriteNdefOptions {
  /** false: refuse ("NotAllowedError") when the tag already holds records. Default true. */
  readonly overwrite?: boolean;
}

/** The bytes of what `write()` takes: an `NDEFMessage` as it is, else Web NFC's "create NDEF message". */
export function messageBytes(message: NDEFMessageSource | NDEFMessage): Uint8Array {
  return message instanceof NDEFMessage
    ? encodeRecords(message.records.map(rawRecordOf))
    : encodeRecords(createMessageFromSource(message));
}

/**
 * Writes `message` to the tag behind `connection`: a string (a "text" record), bytes (a
 * "mime" record), an `NDEFMessageInit` or an `NDEFMessage`. The NDEF length is written last,
 * so that an interrupted write leaves an empty message, never a broken one.
 * @throws TypeError or a "SyntaxError" DOMException for a message Web NFC refuses, before
 * anything is sent
 * @throws NdefTagError "NotSupportedError" (no NDEF; a message larger than the tag, before
 * anything is written), "NotAllowedError" (read-only; `overwrite: false` and records there),
 * "NetworkError" with `progress` when the write fails on the way
 */
export async function writeNdef(
  connection: NdefConnection,
  message: NDEFMessageSource | NDEFMessage,
  options: WriteNdefOptions = {},
): Promise<void> {
  const bytes = messageBytes(message);
  await writeNdefBytes(connection, bytes, options.overwrite ?? true);
}

/** {@link writeNdef} with the message's bytes made. */
export async function writeNdefBytes(
  connection: NdefConnection,
  bytes: Uint8Array,
  overwrite: boolean,
): Promise<void> {
  const type = await tagTypeOf(connection);
  await network(async () => {
    if (type === "type2") {
      const { io, state } = await type2Session(connection);
      if (!overwrite) refuseOverwrite(state.message);
      await writeType2(io, state, bytes);
    } else {
      const transmit = type4Transmit(connection);
      const state = await readType4(transmit);
      if (!overwrite) refuseOverwrite(state.message);
      await writeType4(transmit, state, bytes);
    }
  });
}

function refuseOverwrite(current: Uint8Array): void {
  let records = 0;
  try {
    records = current.length === 0 ? 0 : messageOf(decodeRecords(current)).records.length;
  } catch {
    records = 1; // something is there, if broken
  }
  if (records > 0) {
    throw new NdefTagError("the tag holds NDEF records and overwrite is false", "NotAllowedError");
  }
}

/**
 * Makes the tag read-only for ever (Type 2: the capability container's write access, then the
 * static and dynamic lock bits). Type 4 tags have no standard way: "NotSupportedError".
 * @throws NdefTagError "NotSupportedError", or "NetworkError" saying which steps were done
 */
export async function makeNdefReadOnly(connection: NdefConnection): Promise<void> {
  const type = await tagTypeOf(connection);
  if (type === "type4") {
    throw new NdefTagError(
      "a Type 4 tag has no standard way to be made read-only",
      "NotSupportedError",
    );
  }
  await network(async () => {
    const { io, state } = await type2Session(connection);
    await lockType2(io, state);
  });
}

/** Runs `work`, turning a failed exchange (not one of ours) into a "NetworkError". */
async function network<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof NdefTagError) throw error;
    throw new NdefTagError(
      `the exchange with the tag failed: ${(error as Error)?.message ?? error}`,
      "NetworkError",
      { cause: error },
    );
  }
}
