/**
 * A smart card reader (pyscard's `smartcard.reader.Reader` / `PCSCReader`).
 *
 * @module
 */

import type { CardConnection } from "./card_connection.ts";
import { InvalidReaderException, SmartcardException } from "./exceptions.ts";
import { type Context, type NativePcsc, SYSTEM_PCSC } from "../pcsc/context.ts";
import { asSmartcardError, openContext } from "./pcsc_failure.ts";
import { PCSCCardConnection } from "./pcsc_card_connection.ts";

/**
 * A reader, known by its name. Creating one contacts nothing; connections do.
 *
 * @example
 * ```ts
 * import { readers } from "@pcsc/smartcard";
 * const [reader] = readers();
 * using connection = reader.createConnection();
 * await connection.connect();
 * ```
 */
export class Reader {
  /** The PC/SC reader name. */
  readonly name: string;
  /**
   * The PC/SC implementation the reader is reached through, and its connections: the
   * system's unless a test handed a scripted one.
   * @ignore
   */
  readonly pcsc: NativePcsc;

  /**
   * Creates a `Reader`.
   * @param name the reader's PC/SC name
   */
  constructor(name: string, /** @ignore */ pcsc: NativePcsc = SYSTEM_PCSC) {
    // a NUL would cut the name short in C and name another reader
    if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
      throw new InvalidReaderException(`Invalid reader name: ${JSON.stringify(name)}`);
    }
    this.name = name;
    this.pcsc = pcsc;
  }

  /** A new, not yet connected {@link PCSCCardConnection} to the card in this reader. */
  createConnection(): CardConnection {
    return new PCSCCardConnection(this);
  }

  /**
   * Adds the reader to a reader group (SCardIntroduceReaderGroup, SCardAddReaderToGroup).
   * Only Windows can change groups: pcsc-lite and macOS throw a {@link SmartcardException}
   * with SCARD_E_UNSUPPORTED_FEATURE.
   */
  addtoreadergroup(group: string): void {
    this.#changeGroup(group, "add", (context) => context.addReaderToGroup(this.name, group));
  }

  /** Removes the reader from a reader group (SCardRemoveReaderFromGroup); see addtoreadergroup. */
  removefromreadergroup(group: string): void {
    this.#changeGroup(
      group,
      "remove",
      (context) => context.removeReaderFromGroup(this.name, group),
    );
  }

  #changeGroup(
    group: string,
    verb: string,
    change: (context: Context) => void,
  ): void {
    if (typeof group !== "string" || group.length === 0 || group.includes("\0")) {
      throw new TypeError("group must be a non-empty string without NUL");
    }
    const message = `Unable to ${verb} reader ${this.name} ${verb === "add" ? "to" : "from"} ` +
      `group ${group}`;
    using context = openContext(this.pcsc);
    try {
      change(context);
    } catch (error) {
      const readOnly = context.canChangeGroups ? "" : " (reader groups are read-only here)";
      throw asSmartcardError(error, message + readOnly, SmartcardException);
    }
  }

  /** The reader's name. */
  toString(): string {
    return this.name;
  }
}
