/**
 * A smart card reader (pyscard's `smartcard.reader.Reader` / `PCSCReader`).
 *
 * @module
 */

import type { CardConnection } from "../connection/card_connection.ts";
import { InvalidReaderException, type SmartcardException } from "../errors/exceptions.ts";
import type { Context } from "../../pcsc/context.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { asPcscException, openQueryContext } from "../errors/pcsc_failure.ts";
import {
  AddReaderToGroupException,
  IntroduceReaderException,
  RemoveReaderFromGroupException,
} from "../errors/pcsc_exceptions.ts";
import { PCSCCardConnection } from "../connection/pcsc_card_connection.ts";

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
      throw new InvalidReaderException(JSON.stringify(name) ?? String(name));
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
   * Only Windows can change groups: pcsc-lite and macOS throw an `IntroduceReaderException`
   * with SCARD_E_UNSUPPORTED_FEATURE, as pyscard does there. As pyscard: an
   * `EstablishContextException` when there is no service, an `AddReaderToGroupException` when
   * the reader cannot join the group.
   */
  addtoreadergroup(group: string): void {
    this.#changeGroup(
      group,
      (context) => context.addReaderToGroup(this.name, group),
      // pyscard introduces the reader first, which is where a platform without group
      // changes (pcsc-lite, macOS) refuses it: an IntroduceReaderException, as there
      (code, call, options, readOnly) =>
        call === "SCardIntroduceReaderGroup" || readOnly
          ? new IntroduceReaderException(code, this.name, options)
          : new AddReaderToGroupException(code, this.name, group, options),
    );
  }

  /**
   * Removes the reader from a reader group (SCardRemoveReaderFromGroup); a failure is a
   * `RemoveReaderFromGroupException`. See addtoreadergroup.
   */
  removefromreadergroup(group: string): void {
    this.#changeGroup(
      group,
      (context) => context.removeReaderFromGroup(this.name, group),
      (code, _call, options) => new RemoveReaderFromGroupException(code, this.name, group, options),
    );
  }

  #changeGroup(
    group: string,
    change: (context: Context) => void,
    failure: (
      code: number,
      call: string,
      options: ErrorOptions,
      readOnly: boolean,
    ) => SmartcardException,
  ): void {
    if (typeof group !== "string" || group.length === 0 || group.includes("\0")) {
      throw new TypeError("group must be a non-empty string without NUL");
    }
    using context = openQueryContext(this.pcsc);
    try {
      change(context);
    } catch (error) {
      const call = (error as { call?: string }).call ?? "";
      const readOnly = !context.canChangeGroups;
      const converted = asPcscException(
        error,
        (code, options) => failure(code, call, options, readOnly),
      );
      if (converted instanceof Error && converted !== error && readOnly) {
        converted.message += " Reader groups are read-only here.";
      }
      throw converted;
    }
  }

  /** The reader's name. */
  toString(): string {
    return this.name;
  }

  /**
   * `console.log(reader)` prints the name, as pyscard's `print(reader)`; inside an array or
   * object it is quoted, as pyscard's `repr` (`[ 'Virtual PCD 00 00' ]`).
   */
  [Symbol.for("Deno.customInspect")](
    _inspect: unknown,
    options: { currentDepth?: number },
  ): string {
    return (options?.currentDepth ?? 0) > 0 ? `'${this.name}'` : this.name;
  }
}
