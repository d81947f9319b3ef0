/**
 * The system's readers and reader groups (pyscard's `smartcard.System`).
 *
 * @module
 */

import { Context, type NativePcsc, stoppedWithoutReaders, SYSTEM_PCSC } from "../pcsc/context.ts";
import { SmartcardException } from "./exceptions.ts";
import { asSmartcardError, openContext } from "./pcsc_failure.ts";
import { Reader } from "./reader.ts";

/**
 * The readers the PC/SC service knows, optionally only those of some reader groups.
 *
 * Runs SCardEstablishContext, SCardListReaders and SCardReleaseContext. Returns `[]` when
 * there are no readers (also where the service stops without them, Windows and macOS);
 * throws a {@link SmartcardException} when there is no PC/SC service.
 *
 * @example
 * ```ts
 * import { readers } from "@pcsc/smartcard";
 * for (const reader of readers()) console.log(reader.name);
 * ```
 */
export function readers(groups?: string | string[]): Reader[] {
  return readersOf(SYSTEM_PCSC, groups);
}

/** {@link readers} of the PC/SC service `pcsc` reaches (tests hand a scripted one). */
export function readersOf(pcsc: NativePcsc, groups?: string | string[]): Reader[] {
  const groupList = groups === undefined ? null : typeof groups === "string" ? [groups] : groups;
  if (groupList !== null) {
    const bad = (g: unknown) => typeof g !== "string" || !g || g.includes("\0");
    if (!Array.isArray(groupList) || groupList.some(bad)) {
      throw new TypeError("groups must be a group name or an array of non-empty group names");
    }
  }
  let context: Context;
  try {
    context = Context.establish(pcsc);
  } catch (error) {
    if (stoppedWithoutReaders(pcsc, error)) return [];
    throw asSmartcardError(error, "Failed to establish context", SmartcardException);
  }
  using _context = context;
  try {
    return context.listReaders(groupList).map((name) => new Reader(name, pcsc));
  } catch (error) {
    throw asSmartcardError(error, "Failed to list readers", SmartcardException);
  }
}

/**
 * The reader groups the PC/SC service knows (pcsc-lite has one: `"SCard$DefaultReaders"`).
 *
 * @example
 * ```ts
 * import { readergroups } from "@pcsc/smartcard";
 * console.log(readergroups());
 * ```
 */
export function readergroups(): string[] {
  return readerGroupsOf(SYSTEM_PCSC);
}

/** {@link readergroups} of the PC/SC service `pcsc` reaches. */
export function readerGroupsOf(pcsc: NativePcsc): string[] {
  using context = openContext(pcsc);
  try {
    return context.listReaderGroups();
  } catch (error) {
    throw asSmartcardError(error, "Failed to list reader groups", SmartcardException);
  }
}
