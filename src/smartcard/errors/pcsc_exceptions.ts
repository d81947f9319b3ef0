/**
 * pyscard's `smartcard.pcsc.PCSCExceptions`: failures of the PC/SC calls behind `readers()`,
 * `readergroups()` and the reader-group changes, with pyscard's messages.
 *
 * @module
 */

import { SmartcardException } from "./exceptions.ts";

/**
 * The base of the PC/SC-call exceptions (pyscard's `BaseSCardException`): the message, or
 * `"scard exception"` without one, then the PC/SC reason and code when there is a code.
 *
 * Unlike pyscard's, it is also a {@link SmartcardException}, the root every error of this
 * module has, so that one `instanceof SmartcardException` still catches everything.
 *
 * @example
 * ```ts
 * import { BaseSCardException } from "@pcsc/smartcard";
 * new BaseSCardException(0x80100009).message; // "scard exception: Unknown reader specified. (0x80100009)"
 * new BaseSCardException(-1, "foo bar").message; // "foo bar"
 * ```
 */
export class BaseSCardException extends SmartcardException {
  /**
   * Creates a `BaseSCardException`.
   * @param hresult the PC/SC return code, -1 for none
   * @param message what failed; default "scard exception"
   */
  constructor(hresult: number = -1, message: string = "", options?: ErrorOptions) {
    super(message || "scard exception", hresult, options);
  }
}

/** SCardEstablishContext failed: "Failed to establish context: <reason> (<code>)". */
export class EstablishContextException extends BaseSCardException {
  /**
   * Creates an `EstablishContextException`.
   * @param hresult SCardEstablishContext's return code
   */
  constructor(hresult: number, options?: ErrorOptions) {
    super(hresult, "Failed to establish context", options);
  }
}

/** SCardListReaders or SCardListReaderGroups failed: "Failed to list readers: ...". */
export class ListReadersException extends BaseSCardException {
  /**
   * Creates a `ListReadersException`.
   * @param hresult the call's return code
   */
  constructor(hresult: number, options?: ErrorOptions) {
    super(hresult, "Failed to list readers", options);
  }
}

/** SCardReleaseContext failed: "Failed to release context: ...". */
export class ReleaseContextException extends BaseSCardException {
  /**
   * Creates a `ReleaseContextException`.
   * @param hresult SCardReleaseContext's return code
   */
  constructor(hresult: number, options?: ErrorOptions) {
    super(hresult, "Failed to release context", options);
  }
}

/** Introducing a reader or group failed: "Failed to introduce a new reader: <name>: ...". */
export class IntroduceReaderException extends BaseSCardException {
  /** The reader's name. */
  readonly readername: string;

  /**
   * Creates an `IntroduceReaderException`.
   * @param hresult the call's return code
   * @param readername the reader
   */
  constructor(hresult: number, readername: string = "", options?: ErrorOptions) {
    super(hresult, `Failed to introduce a new reader: ${readername}`, options);
    this.readername = readername;
  }
}

/** SCardAddReaderToGroup failed: "Failed to add reader: <reader> to group: <group>: ...". */
export class AddReaderToGroupException extends BaseSCardException {
  /** The reader's name. */
  readonly readername: string;
  /** The group's name. */
  readonly groupname: string;

  /**
   * Creates an `AddReaderToGroupException`.
   * @param hresult SCardAddReaderToGroup's return code
   * @param readername the reader
   * @param groupname the group
   */
  constructor(
    hresult: number,
    readername: string = "",
    groupname: string = "",
    options?: ErrorOptions,
  ) {
    super(hresult, `Failed to add reader: ${readername} to group: ${groupname}`, options);
    this.readername = readername;
    this.groupname = groupname;
  }
}

// The same shape as AddReaderToGroupException on purpose: pyscard has two unrelated classes,
// and code that ports `except AddReaderToGroupException` must not catch this one.
/**
 * SCardRemoveReaderFromGroup failed:
 * "Failed to remove reader: <reader> from group: <group>: ...".
 */
export class RemoveReaderFromGroupException extends BaseSCardException {
  /** The reader's name. */
  readonly readername: string;
  /** The group's name. */
  readonly groupname: string;

  /**
   * Creates a `RemoveReaderFromGroupException`.
   * @param hresult SCardRemoveReaderFromGroup's return code
   * @param readername the reader
   * @param groupname the group
   */
  constructor(
    hresult: number,
    readername: string = "",
    groupname: string = "",
    options?: ErrorOptions,
  ) {
    super(hresult, `Failed to remove reader: ${readername} from group: ${groupname}`, options);
    this.readername = readername;
    this.groupname = groupname;
  }
}
