/**
 * The internal slots a `SmartCardContext` shares with its connections: the one-operation-at-
 * a-time flag (`[[operationInProgress]]`), which connection holds a transaction on which
 * reader (`[[activeReaderTransactions]]`), and the connections themselves (`[[connections]]`),
 * whose settled transactions end when the running operation does.
 *
 * @module
 */

import type { NativePcsc } from "../pcsc/native_pcsc.ts";
import { type PlatformConstants, platformConstants } from "../pcsc/platform_constants.ts";
import { asWebError, invalidState } from "./corresponding_exception.ts";

/** What the context knows of one of its connections. */
export interface ConnectionSlot {
  /** Ends the connection's transaction if its callback settled while an operation ran. */
  endAnySettledTransaction(): void;
}

/** See the module comment. */
export class ContextSlots {
  /** The native calls, the system's or a scripted PC/SC. */
  readonly native: NativePcsc;
  /** The platform's values of the constants that differ. */
  readonly constants: PlatformConstants;
  /** `[[operationInProgress]]` */
  operationInProgress = false;
  /** `[[activeReaderTransactions]]`: reader name to the connection holding a transaction. */
  readonly activeReaderTransactions: Map<string, ConnectionSlot> = new Map();
  /** `[[connections]]`: the connections still connected or still in a transaction. */
  readonly connections: Set<ConnectionSlot> = new Set();

  /** Slots for a context reached through `native`. */
  constructor(native: NativePcsc) {
    this.native = native;
    this.constants = platformConstants(native);
  }

  /** Throws "InvalidStateError" while an operation of the context is running. */
  assertIdle(): void {
    if (this.operationInProgress) {
      throw invalidState("An operation is already in progress in this SmartCardContext");
    }
  }

  /**
   * Runs `operation` as the context's one operation in progress: the flag is set before it
   * starts and cleared when it settles, and a PC/SC failure becomes the exception the spec
   * gives. The caller has made its checks (WebIDL conversions, {@link assertIdle}) first.
   */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.begin();
    try {
      return await operation();
    } catch (error) {
      throw asWebError(error, this.constants);
    } finally {
      this.clear();
    }
  }

  /** Sets `[[operationInProgress]]`: an operation starts. */
  begin(): void {
    this.operationInProgress = true;
  }

  /**
   * The spec's "clear the operationInProgress": the operation has ended; a connection whose
   * transaction callback settled meanwhile ends its transaction now, which is an operation
   * of its own, so the first one that does stops the round.
   */
  clear(): void {
    this.operationInProgress = false;
    for (const connection of this.connections) {
      connection.endAnySettledTransaction();
      if (this.operationInProgress) return;
    }
  }
}
