/**
 * pyscard's `ExclusiveTransmitCardConnection`, with `transaction(fn)` on top.
 *
 * @module
 */

import { SCARD_LEAVE_CARD } from "../../pcsc/share_and_disposition.ts";
import type { CardConnection } from "./card_connection.ts";
import { CardConnectionDecorator } from "./card_connection_decorator.ts";
import { CardConnectionException } from "../errors/exceptions.ts";
import { PCSCCardConnection } from "./pcsc_card_connection.ts";

/**
 * Groups APDUs into PC/SC transactions (SCardBeginTransaction / SCardEndTransaction): between
 * `lock()` and `unlock()`, other connections to the card, in this process or another, wait.
 *
 * @example
 * ```ts
 * import { ExclusiveTransmitCardConnection, readers } from "@pcsc/smartcard";
 * using connection = new ExclusiveTransmitCardConnection(readers()[0].createConnection());
 * await connection.connect();
 * const challenge = await connection.transaction(async (c) => {
 *   await c.transmit([0x00, 0xA4, 0x04, 0x00, 0x00]);
 *   return (await c.transmit([0x00, 0x84, 0x00, 0x00, 0x08]))[0];
 * });
 * ```
 */
export class ExclusiveTransmitCardConnection extends CardConnectionDecorator {
  #pcsc(): PCSCCardConnection {
    let c: CardConnection = this.component;
    while (!(c instanceof PCSCCardConnection)) {
      if (!(c instanceof CardConnectionDecorator)) {
        throw new CardConnectionException("Transactions need a PC/SC connection underneath");
      }
      c = c.component;
    }
    return c;
  }

  /**
   * Begins a transaction. Waits (without blocking the event loop) while another connection
   * holds one.
   */
  lock(): Promise<void> {
    return this.#pcsc().beginTransaction();
  }

  /** Synchronous {@link lock}: blocks the event loop while another connection holds one. */
  lockSync(): void {
    this.#pcsc().beginTransactionSync();
  }

  /**
   * Ends the transaction, leaving the card as it is. Refused while a promise call of the
   * connection is pending (await it first), as every synchronous call is.
   */
  unlock(): void {
    this.#pcsc().endTransactionSync(SCARD_LEAVE_CARD);
  }

  /**
   * Runs `fn` inside a transaction: begins it, awaits `fn`, and ends it after every call `fn`
   * started, whatever happens. Resolves to what `fn` returns; when `fn` fails, with its error
   * (a failure to end the transaction then does not hide it).
   */
  async transaction<T>(fn: (connection: this) => Promise<T> | T): Promise<T> {
    const pcsc = this.#pcsc();
    await pcsc.beginTransaction();
    let result: T;
    try {
      result = await fn(this);
    } catch (error) {
      await pcsc.endTransaction(SCARD_LEAVE_CARD).catch(() => {});
      throw error;
    }
    await pcsc.endTransaction(SCARD_LEAVE_CARD);
    return result;
  }
}
