/**
 * The PC/SC calls, one function each, over opaque handles.
 *
 * This is the `-sys` layer's only door: it turns JavaScript values into native arguments,
 * reads the out-parameters back, and throws a `PcscError` carrying the return code when a
 * call fails. It knows nothing of cards, connections or pyscard. Their signatures repeat
 * `NativePcsc`'s (native.ts): an interface and its one implementation.
 *
 * @module
 */

import { CURRENT_ABI } from "./abi.ts";
import { INFINITE, MAX_ATR_SIZE } from "./constants.ts";
import { SCARD_E_NO_READERS_AVAILABLE } from "./error_codes.ts";
import { symbols as sym } from "./library.ts";
import {
  asCard,
  asContext,
  newHandleCell,
  raw,
  readHandle,
  type ScardContext,
  type ScardHandle,
} from "./native_handles.ts";
import { UintCell } from "./native_struct.ts";
import { check, PcscError } from "./pcsc_error.ts";
import { readSized } from "./read_sized.ts";
import { ReaderStateArray } from "./reader_state_array.ts";
import { decodeCString, decodeMultiString, encodeCString, encodeMultiString } from "./strings.ts";
import { normaliseReturnCode } from "./return_codes.ts";
import { andThen, recovered, type SyncOrAsync } from "./sync_or_async.ts";

const abi = CURRENT_ABI;

/** SCardEstablishContext, blocking or on the blocking pool. */
export function establishContext(blocking: boolean, scope: number): SyncOrAsync<ScardContext> {
  const out = newHandleCell();
  const s = sym();
  const rv = (blocking ? s.SCardEstablishContext : s.SCardEstablishContextAsync)(
    scope,
    null,
    null,
    out,
  );
  return andThen(rv, (rv) => {
    check("SCardEstablishContext", rv);
    return asContext(readHandle(out));
  });
}

/** SCardReleaseContext. */
export function releaseContext(context: ScardContext): void {
  check("SCardReleaseContext", sym().SCardReleaseContext(raw(context)));
}

/**
 * SCardCancel: ends a wait pending on `context` with SCARD_E_CANCELLED. Returns the raw code
 * rather than throwing: a cancel that finds nothing to cancel is not an error for the caller.
 */
export function cancel(context: ScardContext): number {
  return normaliseReturnCode(sym().SCardCancel(raw(context)));
}

/**
 * SCardListReaders. No readers is an empty list everywhere: pcsc-lite and Windows say
 * SCARD_E_NO_READERS_AVAILABLE, macOS returns a buffer holding a single NUL.
 */
export function listReaders(
  blocking: boolean,
  context: ScardContext,
  groups: readonly string[] | null,
): SyncOrAsync<string[]> {
  const groupBytes = groups && groups.length ? encodeMultiString(groups) : null;
  const s = sym();
  const list = blocking ? s.SCardListReaders : s.SCardListReadersAsync;
  return recovered(
    () =>
      andThen(
        readSized("SCardListReaders", (buf, len) => list(raw(context), groupBytes, buf, len.bytes)),
        decodeMultiString,
      ),
    (error) => {
      if (error instanceof PcscError && error.code === SCARD_E_NO_READERS_AVAILABLE) return [];
      throw error;
    },
  );
}

/** SCardListReaderGroups. */
export function listReaderGroups(context: ScardContext): string[] {
  const bytes = readSized(
    "SCardListReaderGroups",
    (buf, len) => sym().SCardListReaderGroups(raw(context), buf, len.bytes),
  ) as Uint8Array;
  return decodeMultiString(bytes);
}

/** Whether this platform's library can change reader groups (only winscard can). */
export function supportsReaderGroupChanges(): boolean {
  const s = sym();
  return s.SCardIntroduceReaderGroup !== null && s.SCardAddReaderToGroup !== null;
}

/** SCardIntroduceReaderGroup then SCardAddReaderToGroup (winscard only). */
export function addReaderToGroup(context: ScardContext, reader: string, group: string): void {
  const s = sym();
  if (!s.SCardIntroduceReaderGroup || !s.SCardAddReaderToGroup) {
    throw new PcscError("SCardAddReaderToGroup", abi.unsupportedFeature);
  }
  const g = encodeCString(group);
  check("SCardIntroduceReaderGroup", s.SCardIntroduceReaderGroup(raw(context), g));
  check("SCardAddReaderToGroup", s.SCardAddReaderToGroup(raw(context), encodeCString(reader), g));
}

/** SCardRemoveReaderFromGroup (winscard only). */
export function removeReaderFromGroup(context: ScardContext, reader: string, group: string): void {
  const s = sym();
  if (!s.SCardRemoveReaderFromGroup) {
    throw new PcscError("SCardRemoveReaderFromGroup", abi.unsupportedFeature);
  }
  check(
    "SCardRemoveReaderFromGroup",
    s.SCardRemoveReaderFromGroup(raw(context), encodeCString(reader), encodeCString(group)),
  );
}

/** The result of SCardConnect. */
export interface Connected {
  readonly handle: ScardHandle;
  readonly protocol: number;
}

/** SCardConnect: blocking, or on Deno's blocking pool. */
export function connect(
  blocking: boolean,
  context: ScardContext,
  reader: string,
  share: number,
  protocols: number,
): SyncOrAsync<Connected> {
  const handle = newHandleCell();
  const protocol = new UintCell(abi.dword.size);
  const s = sym();
  const rv = (blocking ? s.SCardConnect : s.SCardConnectAsync)(
    raw(context),
    encodeCString(reader),
    share,
    protocols,
    handle,
    protocol.bytes,
  );
  return andThen(rv, (rv) => {
    check("SCardConnect", rv);
    return { handle: asCard(readHandle(handle)), protocol: protocol.value };
  });
}

/** SCardReconnect, blocking or on the blocking pool; gives the active protocol. */
export function reconnect(
  blocking: boolean,
  card: ScardHandle,
  share: number,
  protocols: number,
  initialization: number,
): SyncOrAsync<number> {
  const protocol = new UintCell(abi.dword.size);
  const s = sym();
  const rv = (blocking ? s.SCardReconnect : s.SCardReconnectAsync)(
    raw(card),
    share,
    protocols,
    initialization,
    protocol.bytes,
  );
  return andThen(rv, (rv) => {
    check("SCardReconnect", rv);
    return protocol.value;
  });
}

/**
 * SCardDisconnect, blocking or on the blocking pool: with a disposition other than "leave",
 * pcsc-lite waits while another handle holds a transaction on the reader.
 */
export function disconnect(
  blocking: boolean,
  card: ScardHandle,
  disposition: number,
): SyncOrAsync<void> {
  const s = sym();
  const rv = (blocking ? s.SCardDisconnect : s.SCardDisconnectAsync)(raw(card), disposition);
  return andThen(rv, (rv) => check("SCardDisconnect", rv));
}

/**
 * SCardBeginTransaction: waits while another handle holds a transaction, blocking the thread
 * or on the blocking pool.
 */
export function beginTransaction(blocking: boolean, card: ScardHandle): SyncOrAsync<void> {
  const s = sym();
  const rv = (blocking ? s.SCardBeginTransaction : s.SCardBeginTransactionAsync)(raw(card));
  return andThen(rv, (rv) => check("SCardBeginTransaction", rv));
}

/** SCardEndTransaction, blocking or on the blocking pool. */
export function endTransaction(
  blocking: boolean,
  card: ScardHandle,
  disposition: number,
): SyncOrAsync<void> {
  const s = sym();
  const rv = (blocking ? s.SCardEndTransaction : s.SCardEndTransactionAsync)(
    raw(card),
    disposition,
  );
  return andThen(rv, (rv) => check("SCardEndTransaction", rv));
}

/**
 * SCardSetAttrib, blocking or on the blocking pool. A library that lacks it fails the call
 * with the platform's "feature not supported".
 */
export function setAttrib(
  blocking: boolean,
  card: ScardHandle,
  attribute: number,
  value: Uint8Array,
): SyncOrAsync<void> {
  const s = sym();
  const call = blocking ? s.SCardSetAttrib : s.SCardSetAttribAsync;
  if (call === null) throw new PcscError("SCardSetAttrib", abi.unsupportedFeature);
  const rv = call(raw(card), attribute, value, value.length);
  return andThen(rv, (rv) => check("SCardSetAttrib", rv));
}

/** What SCardStatus reports. */
export interface CardStatus {
  readonly reader: string;
  /** SCARD_ABSENT.. SCARD_SPECIFIC bits; Windows' ordinal is turned into the same bit */
  readonly state: number;
  readonly protocol: number;
  readonly atr: number[];
}

// Room for the reader name SCardStatus gives back: pcsc-lite's names are at most 128 bytes
// (MAX_READERNAME); a longer one costs a size query.
const READER_NAME_GUESS = 256;

/**
 * SCardStatus, blocking or on the blocking pool: one native call where the reader's name fits
 * the first buffer. pcsc-lite waits while another handle holds a transaction on the reader.
 */
export function status(blocking: boolean, card: ScardHandle): SyncOrAsync<CardStatus> {
  const state = new UintCell(abi.dword.size);
  const protocol = new UintCell(abi.dword.size);
  const atrLen = new UintCell(abi.dword.size);
  // winscard's ATR field is 36 bytes; never hand a smaller buffer than the platform's
  const atr = new Uint8Array(Math.max(MAX_ATR_SIZE, abi.readerState.atrCapacity));
  const s = sym();
  const call = blocking ? s.SCardStatus : s.SCardStatusAsync;
  const nameBytes = readSized("SCardStatus", (buf, len) => {
    atrLen.value = atr.length;
    return call(raw(card), buf, len.bytes, state.bytes, protocol.bytes, atr, atrLen.bytes);
  }, READER_NAME_GUESS);
  return andThen(nameBytes, (nameBytes) => {
    const rawState = state.value;
    return {
      reader: decodeMultiString(nameBytes)[0] ?? decodeCString(nameBytes),
      state: abi.cardStateOrdinal ? (1 << rawState) : rawState,
      protocol: protocol.value,
      atr: Array.from(atr.subarray(0, Math.min(atrLen.value, atr.length))),
    };
  });
}

/** A time-out in milliseconds as the DWORD C takes: Infinity is INFINITE, the rest clamped. */
function dwTimeout(ms: number): number {
  if (ms === Infinity) return INFINITE;
  return Math.max(0, Math.min(INFINITE - 1, Math.ceil(ms)));
}

/**
 * SCardGetStatusChange on the blocking pool. `states` must stay reachable until this
 * settles: it owns the reader-name strings the array points at.
 * Resolves to the raw code: SCARD_E_TIMEOUT and SCARD_E_CANCELLED are outcomes, not
 * failures. `timeoutMs` may be fractional or Infinity (no time-out).
 */
export async function getStatusChangeAsync(
  context: ScardContext,
  timeoutMs: number,
  states: ReaderStateArray,
): Promise<number> {
  const rv = await sym().SCardGetStatusChangeAsync(
    raw(context),
    dwTimeout(timeoutMs),
    states.buffer,
    states.length,
  );
  // referenced after the await so the name buffers outlive the native call
  states.readers.length;
  return normaliseReturnCode(rv);
}

/** A SCARD_READERSTATE array for `readers`, in this platform's layout. */
export function readerStates(readers: readonly string[]): ReaderStateArray {
  return new ReaderStateArray(abi, readers);
}
