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
  type CardHandle,
  type CardStatus,
  connect,
  type Connected,
  type ContextHandle,
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
  SystemExchange,
} from "./pcsc.ts";
import type { SyncOrAsync } from "./either.ts";
import type { ReaderStateArray } from "./reader_state.ts";

/**
 * Buffers for SCardTransmit, SCardControl and SCardGetAttrib, allocated once per owner so that
 * an APDU costs no allocation, and the calls over them. One call at a time may use a set: the
 * owner serialises.
 */
export interface Exchange {
  /** The response of the last call, valid until the next one. */
  readonly receive: Uint8Array;
  /** Scratch space a caller may fill with the command before calling. */
  readonly send: Uint8Array;
  /** SCardTransmit, blocking or on the blocking pool; gives the response length in `receive`. */
  transmit(
    blocking: boolean,
    card: CardHandle,
    protocol: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number>;
  /** SCardControl, blocking or on the blocking pool; gives the answer's length in `receive`. */
  control(
    blocking: boolean,
    card: CardHandle,
    code: number,
    command: Uint8Array,
    length: number,
  ): SyncOrAsync<number>;
  /** SCardGetAttrib, blocking or on the blocking pool; gives the value's length in `receive`. */
  getAttrib(blocking: boolean, card: CardHandle, attribute: number): SyncOrAsync<number>;
}

/**
 * Every PC/SC call the layers above make. A failed call throws a `PcscError`, except where a
 * return code is an outcome rather than a failure (`cancel`, `getStatusChange`).
 */
export interface NativePcsc {
  /** The platform whose behaviour this is: widths, limits, traits. */
  readonly abi: Abi;
  /** SCardEstablishContext, blocking or on the blocking pool. */
  establishContext(blocking: boolean, scope: number): SyncOrAsync<ContextHandle>;
  /** SCardReleaseContext. */
  releaseContext(context: ContextHandle): void;
  /** SCardCancel; the raw code. */
  cancel(context: ContextHandle): number;
  /** SCardListReaders, blocking or on the blocking pool; `[]` when there are none. */
  listReaders(
    blocking: boolean,
    context: ContextHandle,
    groups: readonly string[] | null,
  ): SyncOrAsync<string[]>;
  /** SCardListReaderGroups. */
  listReaderGroups(context: ContextHandle): string[];
  /** Whether reader groups can be changed here (only winscard can). */
  supportsReaderGroupChanges(): boolean;
  /** SCardIntroduceReaderGroup and SCardAddReaderToGroup. */
  addReaderToGroup(context: ContextHandle, reader: string, group: string): void;
  /** SCardRemoveReaderFromGroup. */
  removeReaderFromGroup(context: ContextHandle, reader: string, group: string): void;
  /** A SCARD_READERSTATE array in this platform's layout. */
  readerStates(readers: readonly string[]): ReaderStateArray;
  /**
   * SCardGetStatusChange on the blocking pool; resolves to the raw code (SCARD_E_TIMEOUT and
   * SCARD_E_CANCELLED are outcomes). `timeoutMs` may be fractional or Infinity.
   */
  getStatusChange(
    context: ContextHandle,
    timeoutMs: number,
    states: ReaderStateArray,
  ): Promise<number>;
  /** SCardConnect, blocking or on the blocking pool. */
  connect(
    blocking: boolean,
    context: ContextHandle,
    reader: string,
    share: number,
    protocols: number,
  ): SyncOrAsync<Connected>;
  /** SCardReconnect, blocking or on the blocking pool; the active protocol. */
  reconnect(
    blocking: boolean,
    card: CardHandle,
    share: number,
    protocols: number,
    init: number,
  ): SyncOrAsync<number>;
  /**
   * SCardDisconnect, blocking or on the blocking pool (pcsc-lite waits for another handle's
   * transaction unless the disposition is "leave").
   */
  disconnect(blocking: boolean, card: CardHandle, disposition: number): SyncOrAsync<void>;
  /** SCardBeginTransaction, blocking or on the blocking pool. */
  beginTransaction(blocking: boolean, card: CardHandle): SyncOrAsync<void>;
  /** SCardEndTransaction, blocking or on the blocking pool. */
  endTransaction(blocking: boolean, card: CardHandle, disposition: number): SyncOrAsync<void>;
  /**
   * SCardStatus, blocking or on the blocking pool (pcsc-lite waits for another handle's
   * transaction).
   */
  status(blocking: boolean, card: CardHandle): SyncOrAsync<CardStatus>;
  /** SCardSetAttrib, blocking or on the blocking pool; `value` must not change until it settles. */
  setAttrib(
    blocking: boolean,
    card: CardHandle,
    attribute: number,
    value: Uint8Array,
  ): SyncOrAsync<void>;
  /** Buffers for SCardTransmit, SCardControl and SCardGetAttrib, and the calls over them. */
  exchange(sendCapacity: number): Exchange;
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
  exchange: (sendCapacity) => new SystemExchange(sendCapacity),
};
