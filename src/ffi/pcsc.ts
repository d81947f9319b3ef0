/**
 * The PC/SC calls, one function each, over opaque handles.
 *
 * This is the `-sys` layer's only door: it turns JavaScript values into native arguments,
 * reads the out-parameters back, and throws a {@link PcscError} carrying the return code
 * when a call fails. It knows nothing of cards, connections or pyscard.
 *
 * @module
 */

import { type Abi, CURRENT_ABI, LINUX_ABI, returnCodeHint } from "./abi.ts";
import { SCARD_E_INSUFFICIENT_BUFFER, SCARD_E_NO_READERS_AVAILABLE } from "./error_codes.ts";
import { encodeIoRequest } from "./io_request.ts";
import { library, type PcscSymbols } from "./library.ts";
import { UintCell } from "./native_struct.ts";
import { ReaderStateArray } from "./reader_state.ts";
import { decodeCString, decodeMultiString, encodeCString, encodeMultiString } from "./strings.ts";
import { normaliseReturnCode } from "./return_codes.ts";
import { andThen, recovered, type SyncOrAsync } from "./sync_or_async.ts";
import type { CardIo } from "./native.ts";
import { INFINITE, MAX_ATR_SIZE, MAX_BUFFER_SIZE_EXTENDED } from "./constants.ts";

declare const contextBrand: unique symbol;
declare const cardBrand: unique symbol;

/** A SCARDCONTEXT; what it is underneath (bigint or number) is this layer's business. */
export type ScardContext = { readonly [contextBrand]: true };
/** A SCARDHANDLE (a card connection), opaque like {@link ScardContext}. */
export type ScardHandle = { readonly [cardBrand]: true };

type Native = number | bigint;

/** A PC/SC call returned something other than SCARD_S_SUCCESS. */
export class PcscError extends Error {
  /** The return code, unsigned (`0x8010000B`). */
  readonly code: number;
  /** The PC/SC function that returned it. */
  readonly call: string;
  /** What this platform's service means by that code from that call, when it is not obvious. */
  readonly hint: string | null;

  /**
   * Creates a `PcscError`.
   * @param call the PC/SC function
   * @param code its return code
   * @param abi the platform whose hints apply
   */
  constructor(call: string, code: number, abi: Abi = CURRENT_ABI) {
    super(`${call} returned 0x${code.toString(16).toUpperCase().padStart(8, "0")}`);
    this.name = "PcscError";
    this.call = call;
    this.code = code;
    this.hint = returnCodeHint(call, code, abi);
  }
}

const abi = CURRENT_ABI;
let cached: PcscSymbols | undefined;
function sym(): PcscSymbols {
  return cached ??= library().symbols;
}

/** Throws unless `rv` is SCARD_S_SUCCESS; `rv == 0` is compared before any conversion. */
function check(call: string, rv: Native): void {
  if (rv === 0 || rv === 0n) return;
  throw new PcscError(call, normaliseReturnCode(rv));
}

/** Reads a handle out-parameter as the native type the symbol table passes back in. */
function readHandle(cell: Uint8Array): Native {
  const view = new DataView(cell.buffer, cell.byteOffset, cell.byteLength);
  return abi.handle.size === 8 ? view.getBigUint64(0, true) : view.getInt32(0, true);
}

function newHandleCell(): Uint8Array {
  return new Uint8Array(abi.handle.size);
}

const asContext = (h: Native) => h as unknown as ScardContext;
const asCard = (h: Native) => h as unknown as ScardHandle;
// deno-lint-ignore no-explicit-any
const raw = (h: ScardContext | ScardHandle): any => h;

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
 * Calls a "size query, then fill" function until the buffer is big enough. With `guess`, a
 * buffer of that size is tried first, so that the common case is one native call. `fill` may
 * block or run on the blocking pool; so does the whole.
 */
function readSized(
  call: string,
  fill: (buf: Uint8Array | null, len: UintCell) => SyncOrAsync<Native>,
  guess = 0,
): SyncOrAsync<Uint8Array> {
  const len = new UintCell(abi.dword.size);
  const succeeded = (rv: Native) => rv === 0 || rv === 0n;
  const query = (attempt: number): SyncOrAsync<Uint8Array> => {
    len.value = 0;
    return andThen(fill(null, len), (rv): SyncOrAsync<Uint8Array> => {
      if (!succeeded(rv)) return retry(rv, attempt);
      const buf = new Uint8Array(Math.max(len.value, 1));
      return andThen(
        fill(buf, len),
        (rv): SyncOrAsync<Uint8Array> =>
          succeeded(rv) ? buf.subarray(0, len.value) : retry(rv, attempt),
      ) as SyncOrAsync<Uint8Array>;
    }) as SyncOrAsync<Uint8Array>;
  };
  // the list grew between the two calls: ask again
  const retry = (rv: Native, attempt: number): SyncOrAsync<Uint8Array> => {
    if (normaliseReturnCode(rv) === SCARD_E_INSUFFICIENT_BUFFER && attempt < 5) {
      return query(attempt + 1);
    }
    throw new PcscError(call, normaliseReturnCode(rv));
  };
  if (guess <= 0) return query(0);
  const buf = new Uint8Array(guess);
  len.value = guess;
  return andThen(fill(buf, len), (rv): SyncOrAsync<Uint8Array> => {
    if (succeeded(rv)) return buf.subarray(0, len.value);
    if (normaliseReturnCode(rv) !== SCARD_E_INSUFFICIENT_BUFFER) check(call, rv);
    return query(0);
  }) as SyncOrAsync<Uint8Array>;
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

/** The system library's {@link CardIo}. */
export class SystemCardIo implements CardIo {
  /** The response of the last call, valid until the next one. */
  readonly receive: Uint8Array = new Uint8Array(MAX_BUFFER_SIZE_EXTENDED);
  /** Scratch space a caller may fill with the command before calling. */
  readonly send: Uint8Array;
  readonly #pci: Uint8Array = new Uint8Array(abi.ioRequestSize);
  #pciProtocol = -1;
  readonly #length = new UintCell(abi.dword.size);

  /**
   * Creates a `SystemCardIo`.
   * @param sendCapacity the largest command this set will carry
   */
  constructor(sendCapacity: number) {
    this.send = new Uint8Array(sendCapacity);
  }

  #pciFor(protocol: number): Uint8Array {
    if (protocol !== this.#pciProtocol) {
      encodeIoRequest(abi, protocol, this.#pci);
      this.#pciProtocol = protocol;
    }
    return this.#pci;
  }

  /** SCardTransmit, blocking or on the blocking pool; gives the response length in {@link receive}. */
  transmit(
    blocking: boolean,
    card: ScardHandle,
    protocol: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    this.#length.value = this.receive.length;
    const s = sym();
    const rv = (blocking ? s.SCardTransmit : s.SCardTransmitAsync)(
      raw(card),
      this.#pciFor(protocol),
      command,
      length,
      null,
      this.receive,
      this.#length.bytes,
    );
    return andThen(rv, this.#lengthOf("SCardTransmit"));
  }

  /** SCardControl, blocking or on the blocking pool; gives the response length. */
  control(
    blocking: boolean,
    card: ScardHandle,
    code: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number> {
    const s = sym();
    const rv = (blocking ? s.SCardControl : s.SCardControlAsync)(
      raw(card),
      code,
      command,
      length,
      this.receive,
      this.receive.length,
      this.#length.bytes,
    );
    return andThen(rv, this.#lengthOf("SCardControl"));
  }

  /**
   * SCardGetAttrib, blocking or on the blocking pool; gives the attribute's length in
   * {@link receive}.
   */
  getAttrib(blocking: boolean, card: ScardHandle, attribute: number): SyncOrAsync<number> {
    const s = sym();
    const call = blocking ? s.SCardGetAttrib : s.SCardGetAttribAsync;
    const attempt = (capacities: readonly number[]): SyncOrAsync<number> => {
      this.#length.value = capacities[0];
      const rv = call(raw(card), attribute, this.receive, this.#length.bytes);
      // a second attempt of the async form gives a promise, which the first one's adopts
      return andThen(rv, (rv): SyncOrAsync<number> => {
        if (capacities.length > 1 && refusedAsTooLarge(rv, capacities[0])) {
          return attempt(capacities.slice(1));
        }
        check("SCardGetAttrib", rv);
        return this.#length.value;
      }) as SyncOrAsync<number>;
    };
    return attempt(ATTRIBUTE_CAPACITIES);
  }

  #lengthOf(call: string): (rv: Native) => number {
    return (rv) => {
      check(call, rv);
      return this.#length.value;
    };
  }
}

// The platform's attribute buffer, then pcsc-lite's MAX_BUFFER_SIZE: a winscard built over
// pcsc-lite (Wine's) keeps pcsc-lite's refusal of a larger buffer.
const PCSC_LITE_ATTRIBUTE_CAPACITY = LINUX_ABI.attributeCapacity;
const ATTRIBUTE_CAPACITIES = [...new Set([abi.attributeCapacity, PCSC_LITE_ATTRIBUTE_CAPACITY])];

/** SCARD_E_INSUFFICIENT_BUFFER for a buffer larger than pcsc-lite takes: its limit, not ours. */
function refusedAsTooLarge(rv: Native, capacity: number): boolean {
  return capacity > PCSC_LITE_ATTRIBUTE_CAPACITY &&
    normaliseReturnCode(rv) === SCARD_E_INSUFFICIENT_BUFFER;
}

/** A SCARD_READERSTATE array for `readers`, in this platform's layout. */
export function readerStates(readers: readonly string[]): ReaderStateArray {
  return new ReaderStateArray(abi, readers);
}
