/**
 * PC/SC Part 3 pseudo-APDUs (class FF, answered by the reader, not the card): GET DATA,
 * LOAD KEYS, GENERAL AUTHENTICATE (and the older AUTHENTICATE), READ BINARY, UPDATE BINARY.
 *
 * @module
 */

import { CommandAPDU } from "../../mod.ts";
import { checkBytes, checkInteger } from "../smartcard/bytes.ts";
import { type ContactlessConnection, exchange } from "./connection.ts";
import { ContactlessError } from "./contactless_error.ts";
import type { Part3Operation } from "./status_words.ts";
import { guardWrite, type WriteOptions } from "./write_guard.ts";

const SW_OK = 0x9000;
const CLA = 0xff;

/** The options of {@link loadKey}. */
export interface LoadKeyOptions {
  /**
   * The reader's key slot (P2). ACS readers (ACR122U, ACR1252U) have volatile slots 00 and
   * 01; HID Omnikey and ACS's ACR128 family keep non-volatile keys in 00..1F. Default 0.
   */
  readonly slot?: number;
  /**
   * true (default): the key goes to volatile memory and is gone when the reader is
   * unplugged (P1 00). false: non-volatile memory, kept in the reader (P1 20): it
   * overwrites the slot's key for good.
   */
  readonly volatile?: boolean;
}

/** The options of {@link updateBinary}. */
export type UpdateBinaryOptions = WriteOptions;

/**
 * The card's UID (GET DATA `FF CA 00 00 00`): 4, 7 or 10 bytes for ISO 14443 A, the PUPI
 * for B, the IDm for FeliCa. A reader that wants the exact length (6C xx) is asked again
 * with it.
 * @throws ContactlessError when the reader answers another status word
 */
export async function getUid(connection: ContactlessConnection): Promise<number[]> {
  return await getData(connection, 0x00, "UID");
}

/**
 * The historical bytes of an ISO 14443-4 type A card's ATS (GET DATA `FF CA 01 00 00`).
 * Part 3 defines P1 01 as those bytes; a few readers answer the whole ATS instead.
 * @throws ContactlessError when the reader answers another status word (6A 81 for a card
 * without an ATS: a storage card, or type B)
 */
export async function getAts(connection: ContactlessConnection): Promise<number[]> {
  return await getData(connection, 0x01, "ATS");
}

async function getData(
  connection: ContactlessConnection,
  p1: number,
  detail: string,
): Promise<number[]> {
  // Le 00: "all of it", which is what Part 3 asks readers to answer
  let response = await exchange(connection, pseudo(0xca, p1, 0x00, undefined, 256));
  if ((response.sw & 0xff00) === 0x6c00) {
    response = await exchange(connection, pseudo(0xca, p1, 0x00, undefined, response.sw & 0xff));
  }
  return check("GET DATA", response, { detail });
}

/**
 * Loads a 6-byte MIFARE key into the reader (LOAD KEYS `FF 82 P1 slot 06 key`), for
 * {@link authenticate}. The key goes to the reader, not the card.
 * @throws TypeError or RangeError before anything is sent: a key that is not 6 bytes, a slot
 * outside 0..255
 * @throws ContactlessError when the reader refuses (69 86: no volatile memory, 69 88: no
 * such slot; ACS readers say 63 00)
 */
export async function loadKey(
  connection: ContactlessConnection,
  key: readonly number[] | Uint8Array,
  options: LoadKeyOptions = {},
): Promise<void> {
  checkBytes(key, "key", 6);
  if (key.length !== 6) throw new RangeError(`a MIFARE key is 6 bytes, not ${key.length}`);
  const slot = checkInteger(options.slot ?? 0, "slot", 0, 255);
  const volatile = options.volatile ?? true;
  if (typeof volatile !== "boolean") throw new TypeError("volatile must be a boolean");
  const response = await exchange(connection, pseudo(0x82, volatile ? 0x00 : 0x20, slot, key));
  check("LOAD KEYS", response, { address: slot, addressKind: "key slot" });
}

/**
 * Authenticates `block`'s sector with the key in the reader's `slot` as key A or B
 * (GENERAL AUTHENTICATE `FF 86 00 00 05 01 00 block 60|61 slot`). A reader that does not
 * know FF 86 (6D 00 or 6E 00) gets the obsolete AUTHENTICATE `FF 88 00 block 60|61 slot`.
 * @throws TypeError or RangeError before anything is sent: a block outside 0..255, a key
 * type other than "A" and "B", a slot outside 0..255
 * @throws ContactlessError on a refusal (a wrong key is 63 00 on most readers)
 */
export async function authenticate(
  connection: ContactlessConnection,
  block: number,
  keyType: "A" | "B",
  slot: number = 0,
): Promise<void> {
  checkInteger(block, "block", 0, 255);
  if (keyType !== "A" && keyType !== "B") {
    throw new TypeError(`keyType must be "A" or "B", not ${String(keyType)}`);
  }
  checkInteger(slot, "slot", 0, 255);
  const type = keyType === "A" ? 0x60 : 0x61;
  const general = await exchange(
    connection,
    pseudo(0x86, 0x00, 0x00, [0x01, 0x00, block, type, slot]),
  );
  if (general.sw !== 0x6d00 && general.sw !== 0x6e00) {
    check("GENERAL AUTHENTICATE", general, { address: block, addressKind: "block" });
    return;
  }
  // Not an ISO case (its last three bytes are neither Lc nor data): sent as the bytes it is.
  const obsolete = await exchange(connection, [CLA, 0x88, 0x00, block, type, slot]);
  check("AUTHENTICATE", obsolete, { address: block, addressKind: "block" });
}

/**
 * Reads `length` bytes from `address` (READ BINARY `FF B0 MSB LSB Le`): a MIFARE Classic
 * block (16 bytes, its sector authenticated first), Type 2 pages (4 bytes each; most
 * readers take 4 to 16), an ISO 15693 block. Resolves to what the reader returned.
 * @throws TypeError or RangeError before anything is sent: an address outside 0..65535, a
 * length outside 1..255 (Le 00 means 256 to some readers and "to the end of the block" to
 * others, so it is never sent)
 * @throws ContactlessError on a refusal
 */
export async function readBinary(
  connection: ContactlessConnection,
  address: number,
  length: number,
): Promise<number[]> {
  checkInteger(address, "address", 0, 0xffff);
  checkInteger(length, "length", 1, 255);
  return await rawReadBinary(connection, address, length, "block");
}

/** READ BINARY without the checks, for callers that made them. */
export async function rawReadBinary(
  connection: ContactlessConnection,
  address: number,
  length: number,
  addressKind: "block" | "page",
): Promise<number[]> {
  const response = await exchange(
    connection,
    pseudo(0xb0, address >> 8, address & 0xff, undefined, length),
  );
  return check("READ BINARY", response, { address, addressKind });
}

/**
 * Writes `bytes` at `address` (UPDATE BINARY `FF D6 MSB LSB Lc data`): 16 bytes per MIFARE
 * Classic block, 4 per Type 2 page.
 *
 * What cannot be undone is refused before anything is sent, unless asked for: by the
 * card's ATR (a MIFARE Classic, a Type 2 tag, or a contactless card it cannot name, when
 * both sets of rules apply: 16-byte writes are blocks, 4-byte writes pages), a MIFARE sector
 * trailer is written only when `bytes` came from `encodeSectorTrailer` unchanged and
 * `sectorTrailer` is true, alone; a Type 2 tag's lock bytes need `allowLockBytes`, its
 * capability container `allowCapabilityContainer`, its configuration pages
 * `allowConfiguration`; its UID pages are never written.
 * @throws TypeError or RangeError before anything is sent: an address outside 0..65535, 1 to
 * 255 bytes that are not bytes, a block the card does not have
 * @throws UnsafeWriteError before anything is sent: a write of the above, not asked for
 * @throws ContactlessError on a refusal by the reader or card
 */
export async function updateBinary(
  connection: ContactlessConnection,
  address: number,
  bytes: readonly number[] | Uint8Array,
  options: UpdateBinaryOptions = {},
): Promise<void> {
  checkInteger(address, "address", 0, 0xffff);
  checkBytes(bytes, "bytes", 255);
  if (bytes.length === 0) throw new RangeError("bytes is empty: nothing to write");
  await guardWrite(connection, address, bytes, options, undefined, rawReadBinary);
  await rawUpdateBinary(connection, address, bytes, "block");
}

/** UPDATE BINARY without checks or guard, for callers that made them. */
export async function rawUpdateBinary(
  connection: ContactlessConnection,
  address: number,
  bytes: readonly number[] | Uint8Array,
  addressKind: "block" | "page",
): Promise<void> {
  const response = await exchange(connection, pseudo(0xd6, address >> 8, address & 0xff, bytes));
  check("UPDATE BINARY", response, { address, addressKind });
}

/** A class FF command, as CommandAPDU encodes it. */
function pseudo(
  ins: number,
  p1: number,
  p2: number,
  data?: readonly number[] | Uint8Array,
  ne?: number,
): number[] {
  return new CommandAPDU({ cla: CLA, ins, p1, p2, data: data && Array.from(data), ne }).toBytes();
}

function check(
  operation: Part3Operation,
  response: { data: number[]; sw: number },
  where: { address?: number; addressKind?: string; detail?: string },
): number[] {
  if (response.sw !== SW_OK) {
    throw new ContactlessError(operation, response.sw, response.data, where);
  }
  return response.data;
}
