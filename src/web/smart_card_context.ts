/**
 * `SmartCardContext`: a PC/SC context of the system scope, made by
 * `SmartCardResourceManager.establishContext`.
 *
 * @module
 */

import { CardHandle } from "../pcsc/card_handle.ts";
import { SCARD_E_CANCELLED } from "../pcsc/pcsc_error.ts";
import { SCARD_LEAVE_CARD } from "../pcsc/share_and_disposition.ts";
import { SCARD_SCOPE_SYSTEM } from "../pcsc/context.ts";
import type { Context } from "../pcsc/context.ts";
import { statusChange } from "../pcsc/status_change.ts";
import { ConstructionGate } from "./construction_gate.ts";
import { ContextSlots } from "./context_slots.ts";
import { correspondingException, invalidState } from "./corresponding_exception.ts";
import {
  ACCESS_MODES,
  protocolCode,
  protocolOf,
  PROTOCOLS,
  shareMode,
  type SmartCardAccessMode,
  type SmartCardProtocol,
} from "./enums.ts";
import {
  type SmartCardReaderStateIn,
  type SmartCardReaderStateOut,
  toReaderStateIn,
  toReaderStateOut,
} from "./reader_states.ts";
import { createConnection, type SmartCardConnection } from "./smart_card_connection.ts";
import {
  toAbortSignal,
  toDictionary,
  toDOMString,
  toDouble,
  toEnum,
  toSequence,
} from "./webidl.ts";

/** The options of {@link SmartCardContext.getStatusChange}. */
export interface SmartCardGetStatusChangeOptions {
  /** Milliseconds to wait at most; without it the wait has no end but a change or the signal. */
  timeout?: number;
  /** Ends the wait: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The options of {@link SmartCardContext.connect}. */
export interface SmartCardConnectOptions {
  /** The protocols the card may use; none given is none asked for (PC/SC's 0). */
  preferredProtocols?: SmartCardProtocol[];
}

/** What {@link SmartCardContext.connect} resolves to. */
export interface SmartCardConnectResult {
  /** The new connection. */
  connection: SmartCardConnection;
  /** The protocol in use, when it is T=0, T=1 or raw. */
  activeProtocol?: SmartCardProtocol;
}

// Handed from createContext to the constructor, which nothing else can call usefully.
const creating = new ConstructionGate<Context>();

/**
 * A PC/SC context (SCardEstablishContext with the system scope). It runs one operation at a
 * time, its connections' included: a call while one runs rejects with "InvalidStateError".
 * Waits (`getStatusChange`) run on this context; each connection has a PC/SC context of its
 * own, so a connection's calls never queue behind a wait inside the PC/SC client.
 */
export class SmartCardContext {
  readonly #context: Context;
  readonly #slots: ContextSlots;

  /**
   * Not for calling: `navigator.smartCard.establishContext()` makes contexts. As in a
   * browser, `new SmartCardContext()` is a `TypeError`.
   */
  constructor() {
    const context = creating.take();
    this.#context = context;
    this.#slots = new ContextSlots(context.native);
  }

  /** SCardListReaders: the readers' names; `[]` when there are none. */
  async listReaders(): Promise<string[]> {
    const slots = this.#slots;
    slots.assertIdle();
    return await slots.run(() => this.#context.listReadersAsync());
  }

  /**
   * SCardGetStatusChange: waits until a reader's state differs from the one handed in, the
   * `timeout` (milliseconds; none: no end) has passed, or `signal` aborts, which cancels the
   * native wait. A time-out rejects with a "TimeoutError" DOMException, an abort with the
   * signal's reason.
   */
  async getStatusChange(
    readerStates: SmartCardReaderStateIn[],
    options?: SmartCardGetStatusChangeOptions,
  ): Promise<SmartCardReaderStateOut[]> {
    const states = toSequence(readerStates, "getStatusChange: readerStates", toReaderStateIn);
    const given = toDictionary(options, "getStatusChange: options");
    // WebIDL reads dictionary members in lexicographic order
    const signal = given.signal === undefined
      ? undefined
      : toAbortSignal(given.signal, "getStatusChange: options.signal");
    const timeout = given.timeout === undefined
      ? Infinity
      : Math.max(0, toDouble(given.timeout, "getStatusChange: options.timeout"));
    const slots = this.#slots;
    slots.assertIdle();
    if (signal?.aborted) throw signal.reason;
    const result = await slots.run(() => statusChange(this.#context, states, timeout, signal));
    if (result.code !== 0) {
      if (result.code === SCARD_E_CANCELLED && signal?.aborted) throw signal.reason;
      throw correspondingException(result.code, slots.constants, "SCardGetStatusChange");
    }
    return result.readers.map(toReaderStateOut);
  }

  /**
   * SCardConnect to `readerName`: "shared", "exclusive", or "direct" (the reader, card or
   * not). Resolves to the connection and the active protocol. A reader on which a connection
   * of this context holds a transaction rejects with "InvalidStateError".
   */
  async connect(
    readerName: string,
    accessMode: SmartCardAccessMode,
    options?: SmartCardConnectOptions,
  ): Promise<SmartCardConnectResult> {
    const reader = toDOMString(readerName, "connect: readerName");
    const mode = toEnum(accessMode, ACCESS_MODES, "SmartCardAccessMode", "connect: accessMode");
    const slots = this.#slots;
    const given = toDictionary(options, "connect: options");
    let protocols = 0;
    if (given.preferredProtocols !== undefined) {
      const names = toSequence(
        given.preferredProtocols,
        "connect: options.preferredProtocols",
        (p, what) => toEnum(p, PROTOCOLS, "SmartCardProtocol", what),
      );
      for (const name of names) protocols |= protocolCode(name, slots.constants);
    }
    slots.assertIdle();
    if (slots.activeReaderTransactions.has(reader)) {
      throw invalidState(`A transaction is active on ${reader} in this context`);
    }
    const share = shareMode(mode);
    const { handle, activeProtocol } = await slots.run(async () => {
      const handle = await CardHandle.open(slots.native, SCARD_SCOPE_SYSTEM);
      try {
        const activeProtocol = await handle.connect(
          false,
          reader,
          share,
          protocols,
          SCARD_LEAVE_CARD,
        );
        return { handle, activeProtocol };
      } catch (error) {
        handle.release();
        throw error;
      }
    });
    const connection = createConnection({
      slots,
      handle,
      reader,
      share,
      protocols,
      activeProtocol,
    });
    const protocol = protocolOf(activeProtocol, slots.constants);
    return protocol === undefined ? { connection } : { connection, activeProtocol: protocol };
  }
}

/** A context over `context`, established already; for the resource manager. */
export function createContext(context: Context): SmartCardContext {
  return creating.open(context, () => new SmartCardContext());
}
