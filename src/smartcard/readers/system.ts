/**
 * The system's readers and reader groups (pyscard's `smartcard.System`).
 *
 * @module
 */

import { SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED } from "../../pcsc/pcsc_error.ts";
import { Context, stoppedWithoutReaders } from "../../pcsc/context.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../../pcsc/native_pcsc.ts";
import { CardServiceNotFoundException, CardServiceStoppedException } from "../errors/exceptions.ts";
import { asPcscException, establishFailure, openQueryContext } from "../errors/pcsc_failure.ts";
import { ListReadersException } from "../errors/pcsc_exceptions.ts";
import { readerNamed } from "./identity.ts";
import type { Reader } from "./reader.ts";

/**
 * The readers the PC/SC service knows, optionally only those of some reader groups.
 *
 * Runs SCardEstablishContext, SCardListReaders and SCardReleaseContext. Returns `[]` when
 * there are no readers (also where the service stops without them, Windows and macOS).
 * Throws what pyscard throws: an `EstablishContextException` when there is no PC/SC service,
 * a `CardServiceStoppedException` or `CardServiceNotFoundException` when it goes while
 * listing, a `ListReadersException` otherwise. The same reader is the same `Reader` object
 * in every result, so `readers().includes(reader)` works as pyscard's `in`.
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
    // Windows and macOS stop their service while no reader is attached
    if (stoppedWithoutReaders(pcsc, error)) return [];
    throw establishFailure(error);
  }
  using _context = context;
  try {
    return context.listReaders(groupList).map((name) => readerNamed(name, pcsc));
  } catch (error) {
    throw asPcscException(
      error,
      (code, options) =>
        code === SCARD_E_SERVICE_STOPPED
          ? new CardServiceStoppedException("", code, options)
          : code === SCARD_E_NO_SERVICE
          ? new CardServiceNotFoundException("", code, options)
          : new ListReadersException(code, options),
    );
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
  using context = openQueryContext(pcsc);
  try {
    return context.listReaderGroups();
  } catch (error) {
    // pyscard reports SCardListReaderGroups failing as a ListReadersException too
    throw asPcscException(error, (code, options) => new ListReadersException(code, options));
  }
}
