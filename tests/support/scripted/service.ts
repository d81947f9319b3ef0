/**
 * The scripted service's life and its readers: the test plugs readers in and out and puts
 * cards in them; the service runs or is stopped, and where the platform's service stops with
 * its last reader (Windows), unplugging that reader stops it and plugging one starts it.
 * Contexts belong to one run of the service: a restart forgets them. Every call is logged.
 *
 * @module
 */

import type { Abi } from "../../../src/ffi/abi.ts";
import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } from "../../../src/pcsc/protocols.ts";
import { SCARD_STATE_EMPTY, SCARD_STATE_PRESENT } from "../../../src/pcsc/reader_state.ts";
import {
  SCARD_E_INVALID_HANDLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
  SCARD_F_COMM_ERROR,
} from "../../../src/ffi/error_codes.ts";
import { PcscError } from "../../../src/ffi/pcsc_error.ts";
import type { ScardContext } from "../../../src/ffi/native_handles.ts";

/** A native call as the scripted service saw it. */
export interface ScriptedCall {
  readonly call: string;
  readonly context?: number;
  readonly timeoutMs?: number;
  readonly readers?: readonly string[];
  /** dwCurrentState of each reader state, as handed in */
  readonly currentStates?: readonly number[];
  /** SCardEstablishContext's scope */
  readonly scope?: number;
  /** the card handle of a card call */
  readonly card?: number;
  /** SCardConnect's reader */
  readonly reader?: string;
  /** SCardConnect's share mode */
  readonly share?: number;
  /** SCardConnect's preferred protocols; SCardTransmit's PCI protocol */
  readonly protocols?: number;
  /** SCardDisconnect's and SCardEndTransaction's disposition */
  readonly disposition?: number;
  /** the bytes sent: command APDU, control data, attribute value */
  readonly bytes?: readonly number[];
  /** SCardControl's code, SCardGetAttrib's and SCardSetAttrib's attribute */
  readonly code?: number;
}

/** A reader plugged in, and the card in it. */
export interface ScriptedReader {
  atr: number[] | null;
  events: number;
  /** the protocols the card offers */
  protocols: number;
  /** SCardStatus's state bits while a card is in; null: present, powered, negotiable */
  cardState: number | null;
  attributes: Map<number, number[]>;
  /** the card handle holding a transaction, if any */
  lock: number | null;
  /** begins waiting for the lock */
  lockWaiters: (() => void)[];
}

/** What the service tells the waits: the readers changed, or the service stopped. */
export interface ServiceListener {
  changed(): void;
  stopped(rv: number): void;
}

/** See the module comment. */
export class ScriptedService {
  readonly abi: Abi;
  /** Every call, in order. */
  readonly calls: ScriptedCall[] = [];
  readonly readers: Map<string, ScriptedReader> = new Map();
  #running: boolean;
  // contexts of the service's current run; a restart forgets them all
  #contexts = new Set<number>();
  readonly #released = new Set<number>();
  #nextContext = 1;
  #live = 0;
  #listener: ServiceListener | null = null;

  constructor(abi: Abi, running: boolean) {
    this.abi = abi;
    this.#running = running;
  }

  /** The waits, told of every change (one listener: the service has one set of waits). */
  listen(listener: ServiceListener): void {
    this.#listener = listener;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Plugs a reader in (starting a service that stops without readers), with or without a card. */
  plug(name: string, atr: number[] | null): void {
    if (!this.#running && this.abi.serviceStopsWithoutReaders) this.start();
    this.readers.set(name, {
      atr,
      events: 0,
      protocols: SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
      cardState: null,
      attributes: new Map(),
      lock: null,
      lockWaiters: [],
    });
    this.#listener?.changed();
  }

  /** Unplugs a reader, card and all; where the service stops with its last reader, it stops. */
  unplug(name: string): void {
    this.readers.delete(name);
    if (this.readers.size === 0 && this.abi.serviceStopsWithoutReaders && this.#running) {
      this.stop(SCARD_E_SERVICE_STOPPED);
    } else this.#listener?.changed();
  }

  /** Puts a card in a reader (`atr`) or takes it out (null). */
  setCard(name: string, atr: number[] | null): void {
    const reader = this.reader(name);
    reader.atr = atr;
    reader.events++;
    this.#listener?.changed();
  }

  /** Stops the service: pending waits end with `rv`, every context is forgotten. */
  stop(rv: number = SCARD_F_COMM_ERROR): void {
    this.#running = false;
    this.#contexts = new Set();
    this.#listener?.stopped(rv);
  }

  /** Starts the service again, with the readers it has now and event counts from zero. */
  start(): void {
    this.#running = true;
    for (const reader of this.readers.values()) reader.events = 0;
  }

  /** Removes every reader without stopping the service (a restart from an empty configuration). */
  clear(): void {
    this.readers.clear();
    this.#listener?.changed();
  }

  /** The reader `name`; a test naming a reader it did not plug is a mistake in the test. */
  reader(name: string): ScriptedReader {
    const reader = this.readers.get(name);
    if (!reader) throw new Error(`no scripted reader ${name}`);
    return reader;
  }

  /** The event state the service reports for reader `name` now, or null if it is unknown. */
  readerState(name: string): number | null {
    const reader = this.readers.get(name);
    if (!reader) return null;
    return (reader.events << 16) | (reader.atr ? SCARD_STATE_PRESENT : SCARD_STATE_EMPTY);
  }

  /** Contexts established and not yet released by the client. */
  get liveContexts(): number {
    return this.#live;
  }

  /** How many calls of `name` were made. */
  count(name: string): number {
    return this.calls.filter((c) => c.call === name).length;
  }

  /** Throws as the service's absence makes `call` fail. */
  checkRunning(call: string): void {
    if (!this.#running) throw this.error(call, SCARD_E_NO_SERVICE);
  }

  /** A new context, or the service's refusal when it is not running. */
  establish(): number {
    this.checkRunning("SCardEstablishContext");
    const context = this.#nextContext++;
    this.#contexts.add(context);
    this.#live++;
    return context;
  }

  /** Releases `context`; a second release is the client's mistake, and throws. */
  release(context: number): void {
    if (this.#released.has(context)) throw new Error(`context ${context} released twice`);
    this.#released.add(context);
    this.#live--;
    if (!this.#contexts.delete(context)) {
      throw this.error("SCardReleaseContext", SCARD_E_INVALID_HANDLE);
    }
  }

  /** Throws as the service would for `call` on `handle`: no service, or a context of old. */
  checkContext(call: string, handle: ScardContext): void {
    this.checkRunning(call);
    if (!this.#contexts.has(handle as unknown as number)) {
      throw this.error(call, SCARD_E_INVALID_HANDLE);
    }
  }

  /** `call` failing with `code`, as the platform's library reports it. */
  error(call: string, code: number): PcscError {
    return new PcscError(call, code, this.abi);
  }
}
