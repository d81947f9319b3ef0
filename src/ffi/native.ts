/**
 * The native PC/SC calls as one interface, so that the PC/SC layer above can be handed
 * something else: the tests' scripted PC/SC, which plays any platform's behaviour (its ABI
 * description) on any machine.
 *
 * @module
 */

import { type Abi, CURRENT_ABI } from "./abi.ts";
import {
  addReaderToGroup,
  beginTransaction,
  cancel,
  type CardStatus,
  connect,
  type Connected,
  disconnect,
  endTransaction,
  establishContext,
  getStatusChangeAsync,
  listReaderGroups,
  listReaders,
  readerStates,
  reconnect,
  releaseContext,
  removeReaderFromGroup,
  setAttrib,
  status,
  supportsReaderGroupChanges,
} from "./pcsc.ts";
import type { ScardContext, ScardHandle } from "./native_handles.ts";
import { SystemCardIo } from "./system_card_io.ts";
import type { SyncOrAsync } from "./sync_or_async.ts";
import type { ReaderStateArray } from "./reader_state_array.ts";

/**
 * Buffers for SCardTransmit, SCardControl and SCardGetAttrib, allocated once per owner so that
 * an APDU costs no allocation, and the calls over them. One call at a time may use a set: the
 * owner serialises.
 */
export interface CardIo {
  /** The response of the last call, valid until the next one. */
  readonly receive: Uint8Array;
  /** Scratch space a caller may fill with the command before calling. */
  readonly send: Uint8Array;
  /** SCardTransmit, blocking or on the blocking pool; gives the response length in `receive`. */
  transmit(
    blocking: boolean,
    card: ScardHandle,
    protocol: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number>;
  /** SCardControl, blocking or on the blocking pool; gives the answer's length in `receive`. */
  control(
    blocking: boolean,
    card: ScardHandle,
    code: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number>;
  /** SCardGetAttrib, blocking or on the blocking pool; gives the value's length in `receive`. */
  getAttrib(blocking: boolean, card: ScardHandle, attribute: number): SyncOrAsync<number>;
}

/**
 * Every PC/SC call the layers above make. A failed call throws a `PcscError`, except where a
 * return code is an outcome rather than a failure (`cancel`, `getStatusChange`).
 */
export interface NativePcsc {
  /** The platform whose behaviour this is: widths, limits, traits. */
  readonly abi: Abi;
  /** SCardEstablishContext, blocking or on the blocking pool. */
  establishContext(blocking: boolean, scope: number): SyncOrAsync<ScardContext>;
  /** SCardReleaseContext. */
  releaseContext(context: ScardContext): void;
  /** SCardCancel; the raw code. */
  cancel(context: ScardContext): number;
  /** SCardListReaders, blocking or on the blocking pool; `[]` when there are none. */
  listReaders(
    blocking: boolean,
    context: ScardContext,
    groups: readonly string[] | null,
  ): SyncOrAsync<string[]>;
  /** SCardListReaderGroups. */
  listReaderGroups(context: ScardContext): string[];
  /** Whether reader groups can be changed here (only winscard can). */
  supportsReaderGroupChanges(): boolean;
  /** SCardIntroduceReaderGroup and SCardAddReaderToGroup. */
  addReaderToGroup(context: ScardContext, reader: string, group: string): void;
  /** SCardRemoveReaderFromGroup. */
  removeReaderFromGroup(context: ScardContext, reader: string, group: string): void;
  /** A SCARD_READERSTATE array in this platform's layout. */
  readerStates(readers: readonly string[]): ReaderStateArray;
  /**
   * SCardGetStatusChange on the blocking pool; resolves to the raw code (SCARD_E_TIMEOUT and
   * SCARD_E_CANCELLED are outcomes). `timeoutMs` may be fractional or Infinity.
   */
  getStatusChange(
    context: ScardContext,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number>;
  /** SCardConnect, blocking or on the blocking pool. */
  connect(
    blocking: boolean,
    context: ScardContext,
    reader: string,
    share: number,
    protocols: number,
  ): SyncOrAsync<Connected>;
  /** SCardReconnect, blocking or on the blocking pool; the active protocol. */
  reconnect(
    blocking: boolean,
    card: ScardHandle,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number>;
  /**
   * SCardDisconnect, blocking or on the blocking pool (pcsc-lite waits for another handle's
   * transaction unless the disposition is "leave").
   */
  disconnect(blocking: boolean, card: ScardHandle, disposition: number): SyncOrAsync<void>;
  /** SCardBeginTransaction, blocking or on the blocking pool. */
  beginTransaction(blocking: boolean, card: ScardHandle): SyncOrAsync<void>;
  /** SCardEndTransaction, blocking or on the blocking pool. */
  endTransaction(blocking: boolean, card: ScardHandle, disposition: number): SyncOrAsync<void>;
  /**
   * SCardStatus, blocking or on the blocking pool (pcsc-lite waits for another handle's
   * transaction).
   */
  status(blocking: boolean, card: ScardHandle): SyncOrAsync<CardStatus>;
  /** SCardSetAttrib, blocking or on the blocking pool; `value` must not change until it settles. */
  setAttrib(
    blocking: boolean,
    card: ScardHandle,
    attribute: number,
    value: Uint8Array,
  ): SyncOrAsync<void>;
  /** Buffers for SCardTransmit, SCardControl and SCardGetAttrib, and the calls over them. */
  cardIo(sendCapacity: number): CardIo;
}

/** The system's PC/SC library, through `Deno.dlopen`. */
export const SYSTEM_PCSC: NativePcsc = {
  abi: CURRENT_ABI,
  establishContext,
  releaseContext,
  cancel,
  listReaders,
  listReaderGroups,
  supportsReaderGroupChanges,
  addReaderToGroup,
  removeReaderFromGroup,
  readerStates,
  getStatusChange: getStatusChangeAsync,
  connect,
  reconnect,
  disconnect,
  beginTransaction,
  endTransaction,
  status,
  setAttrib,
  cardIo: (sendCapacity) => new SystemCardIo(sendCapacity),
};
