/**
 * A smart card reader (pyscard's `smartcard.reader.Reader` / `PCSCReader`).
 *
 * @module
 */

import {
  addReaderToGroup,
  removeReaderFromGroup,
  supportsReaderGroupChanges,
} from "../ffi/pcsc.ts";
import type { CardConnection } from "./card_connection.ts";
import { InvalidReaderException, SmartcardException } from "./exceptions.ts";
import { asSmartcardError, PcscContext } from "./pcsc_context.ts";
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
   * Creates a `Reader`.
   * @param name the reader's PC/SC name
   */
  constructor(name: string) {
    // a NUL would cut the name short in C and name another reader
    if (typeof name !== "string" || name.length === 0 || name.includes("\0")) {
      throw new InvalidReaderException(`Invalid reader name: ${JSON.stringify(name)}`);
    }
    this.name = name;
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
    this.#changeGroup(group, "add", addReaderToGroup);
  }

  /** Removes the reader from a reader group (SCardRemoveReaderFromGroup); see addtoreadergroup. */
  removefromreadergroup(group: string): void {
    this.#changeGroup(group, "remove", removeReaderFromGroup);
  }

  #changeGroup(
    group: string,
    verb: string,
    change: typeof addReaderToGroup,
  ): void {
    if (typeof group !== "string" || group.length === 0 || group.includes("\0")) {
      throw new TypeError("group must be a non-empty string without NUL");
    }
    const message = `Unable to ${verb} reader ${this.name} ${verb === "add" ? "to" : "from"} ` +
      `group ${group}` +
      (supportsReaderGroupChanges() ? "" : " (reader groups are read-only here)");
    using context = PcscContext.establish();
    try {
      change(context.handle, this.name, group);
    } catch (error) {
      throw asSmartcardError(error, message, SmartcardException);
    }
  }

  /** The reader's name. */
  toString(): string {
    return this.name;
  }
}
