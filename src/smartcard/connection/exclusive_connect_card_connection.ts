/**
 * pyscard's `ExclusiveConnectCardConnection`.
 *
 * @module
 */

import { SCARD_SHARE_EXCLUSIVE } from "../../pcsc/share_and_disposition.ts";
import { CardConnectionDecorator } from "./card_connection_decorator.ts";

/**
 * Connects (and reconnects) in SCARD_SHARE_EXCLUSIVE mode whatever mode is asked for: no
 * other connection, of this process or another, can use the card until it disconnects.
 *
 * @example
 * ```ts
 * import { ExclusiveConnectCardConnection, readers } from "@pcsc/smartcard";
 * using connection = new ExclusiveConnectCardConnection(readers()[0].createConnection());
 * await connection.connect();
 * ```
 */
export class ExclusiveConnectCardConnection extends CardConnectionDecorator {
  /** Connects exclusively. */
  override connect(protocol?: number, _mode?: number, disposition?: number): Promise<void> {
    return super.connect(protocol, SCARD_SHARE_EXCLUSIVE, disposition);
  }
  /** Connects exclusively, blocking. */
  override connectSync(protocol?: number, _mode?: number, disposition?: number): void {
    super.connectSync(protocol, SCARD_SHARE_EXCLUSIVE, disposition);
  }
  /** Reconnects exclusively. */
  override reconnect(protocol?: number, _mode?: number, disposition?: number): Promise<void> {
    return super.reconnect(protocol, SCARD_SHARE_EXCLUSIVE, disposition);
  }
  /** Reconnects exclusively, blocking. */
  override reconnectSync(protocol?: number, _mode?: number, disposition?: number): void {
    super.reconnectSync(protocol, SCARD_SHARE_EXCLUSIVE, disposition);
  }
}
