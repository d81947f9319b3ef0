/**
 * Card services: what a program builds over a connection (pyscard's `smartcard.CardService`).
 *
 * @module
 */

import type { CardConnection } from "../connection/card_connection.ts";

/**
 * The base of card services. A subclass wraps a connection with a card's own commands and
 * says, through `supports`, which cards it serves; `CardRequest` builds one for the card it
 * finds.
 *
 * @example
 * ```ts
 * import { CardService, type CardConnection } from "@pcsc/smartcard";
 * class ChallengeService extends CardService {
 *   static override supports(_cardname: string): boolean {
 *     return true;
 *   }
 *   async challenge(): Promise<number[]> {
 *     const [data] = await this.connection.transmit([0x00, 0x84, 0x00, 0x00, 0x08]);
 *     return data;
 *   }
 * }
 * ```
 */
export class CardService implements Disposable {
  /**
   * The connection the service talks through (not connected by the request). Assignable, as
   * in pyscard: `service.connection = new MyDecorator(service.connection)`; `using` then
   * disposes the connection it holds at the end.
   */
  connection: CardConnection;
  /** The card name the service was built for, if any. */
  readonly cardname: string | undefined;

  /**
   * Creates a `CardService`.
   * @param connection the card's connection
   * @param cardname the card's name
   */
  constructor(connection: CardConnection, cardname?: string) {
    this.connection = connection;
    this.cardname = cardname;
  }

  /** Whether this service serves the card named `cardname`. The base class serves none. */
  static supports(_cardname: string): boolean {
    return false;
  }

  /** Disconnects and releases the connection. */
  [Symbol.dispose](): void {
    this.connection[Symbol.dispose]();
  }
}

/** A service that passes everything through to the connection; it serves every card. */
export class PassThruCardService extends CardService {
  /** Always true. */
  static override supports(_cardname: string): boolean {
    return true;
  }
}

/** A card service class: what `CardRequest`'s `cardServiceClass` option takes. */
export type CardServiceClass = {
  new (connection: CardConnection, cardname?: string): CardService;
  supports(cardname: string): boolean;
};
