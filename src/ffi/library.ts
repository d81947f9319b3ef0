/**
 * Finding and opening the PC/SC library, and its symbol table.
 *
 * Calls that may wait on a card, a reader or another handle's transaction are bound twice: as
 * a blocking call for the `*Sync` API, and with `nonblocking: true` (run on Deno's blocking
 * thread pool) for the promise API.
 *
 * @module
 */

import { type Abi, CURRENT_ABI } from "./abi.ts";

/** The symbol table for one ABI; integer widths and exported names come from it. */
// The return type is inferred on purpose: Deno.dlopen derives every symbol's TypeScript
// signature from this literal, which a written-out type would only repeat.
// deno-lint-ignore explicit-module-boundary-types
export function symbolDefinitions(abi: Abi) {
  const D = abi.dword.type; // DWORD
  const L = abi.long.type; // LONG
  const H = abi.handle.type; // SCARDCONTEXT, SCARDHANDLE
  const n = abi.symbols;
  const connect = {
    name: n.SCardConnect,
    parameters: [H, "buffer", D, D, "buffer", "buffer"],
  } as const;
  const reconnect = { name: "SCardReconnect", parameters: [H, D, D, D, "buffer"] } as const;
  const begin = { name: "SCardBeginTransaction", parameters: [H] } as const;
  const waitChange = { name: n.SCardGetStatusChange, parameters: [H, D, "buffer", D] } as const;
  const control = {
    name: n.SCardControl,
    parameters: [H, D, "buffer", D, "buffer", D, "buffer"],
  } as const;
  // pioRecvPci is a pointer so that null can be passed, as every caller does
  const transmit = {
    name: "SCardTransmit",
    parameters: [H, "buffer", "buffer", D, "pointer", "buffer", "buffer"],
  } as const;
  const getAttrib = { name: "SCardGetAttrib", parameters: [H, D, "buffer", "buffer"] } as const;
  // optional: a library without it (an old or partial winscard) still loads for everything else
  const setAttrib = {
    name: "SCardSetAttrib",
    parameters: [H, D, "buffer", D],
    optional: true,
  } as const;
  const establish = {
    name: "SCardEstablishContext",
    parameters: [D, "pointer", "pointer", "buffer"],
  } as const;
  const list = { name: n.SCardListReaders, parameters: [H, "buffer", "buffer", "buffer"] } as const;
  const disconnect = { name: "SCardDisconnect", parameters: [H, D] } as const;
  const end = { name: "SCardEndTransaction", parameters: [H, D] } as const;
  const status = {
    name: n.SCardStatus,
    parameters: [H, "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
  } as const;
  const blocking = { result: L } as const;
  const nonblocking = { result: L, nonblocking: true } as const;
  return {
    SCardEstablishContext: { ...establish, ...blocking },
    SCardEstablishContextAsync: { ...establish, ...nonblocking },
    SCardReleaseContext: { parameters: [H], result: L },
    SCardCancel: { parameters: [H], result: L },
    SCardListReaders: { ...list, ...blocking },
    SCardListReadersAsync: { ...list, ...nonblocking },
    SCardListReaderGroups: {
      name: n.SCardListReaderGroups,
      parameters: [H, "buffer", "buffer"],
      result: L,
    },
    SCardConnect: { ...connect, ...blocking },
    SCardConnectAsync: { ...connect, ...nonblocking },
    SCardReconnect: { ...reconnect, ...blocking },
    SCardReconnectAsync: { ...reconnect, ...nonblocking },
    SCardDisconnect: { ...disconnect, ...blocking },
    SCardDisconnectAsync: { ...disconnect, ...nonblocking },
    SCardBeginTransaction: { ...begin, ...blocking },
    SCardBeginTransactionAsync: { ...begin, ...nonblocking },
    SCardEndTransaction: { ...end, ...blocking },
    SCardEndTransactionAsync: { ...end, ...nonblocking },
    SCardStatus: { ...status, ...blocking },
    SCardStatusAsync: { ...status, ...nonblocking },
    // only on the blocking pool: a blocking wait would freeze the event loop
    SCardGetStatusChangeAsync: { ...waitChange, ...nonblocking },
    SCardControl: { ...control, ...blocking },
    SCardControlAsync: { ...control, ...nonblocking },
    SCardTransmit: { ...transmit, ...blocking },
    SCardTransmitAsync: { ...transmit, ...nonblocking },
    SCardGetAttrib: { ...getAttrib, ...blocking },
    SCardGetAttribAsync: { ...getAttrib, ...nonblocking },
    SCardSetAttrib: { ...setAttrib, ...blocking },
    SCardSetAttribAsync: { ...setAttrib, ...nonblocking },
    // Reader groups can be changed only through winscard; pcsc-lite and macOS lack these.
    SCardIntroduceReaderGroup: {
      name: n.SCardIntroduceReaderGroup,
      parameters: [H, "buffer"],
      result: L,
      optional: true,
    },
    SCardAddReaderToGroup: {
      name: n.SCardAddReaderToGroup,
      parameters: [H, "buffer", "buffer"],
      result: L,
      optional: true,
    },
    SCardRemoveReaderFromGroup: {
      name: n.SCardRemoveReaderFromGroup,
      parameters: [H, "buffer", "buffer"],
      result: L,
      optional: true,
    },
  } as const satisfies Deno.ForeignLibraryInterface;
}

/** The symbols of an opened PC/SC library. */
export type PcscSymbols = Deno.DynamicLibrary<ReturnType<typeof symbolDefinitions>>["symbols"];

/** An opened PC/SC library: where it came from and its symbols. */
export interface PcscLibrary {
  readonly path: string;
  readonly abi: Abi;
  readonly symbols: PcscSymbols;
}

/** The PC/SC library could not be opened; the message says what was tried and what to do. */
export class PcscLibraryError extends Error {
  /** The paths tried, in order. */
  readonly tried: readonly string[];

  /**
   * Creates a `PcscLibraryError`.
   * @param message what went wrong and what to do
   * @param tried the paths tried
   */
  constructor(message: string, tried: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.name = "PcscLibraryError";
    this.tried = tried;
  }
}

/**
 * The paths to try, in order. `PCSC_LIBRARY`, when set (and readable: without `--allow-env`
 * it is not seen), is the only one: an explicit choice is never replaced by another library.
 * Otherwise the platform's candidates.
 */
export function libraryCandidates(abi: Abi = CURRENT_ABI): string[] {
  const fromEnv = readEnv("PCSC_LIBRARY");
  return fromEnv ? [fromEnv] : [...abi.libraryCandidates];
}

function readEnv(name: string): string | undefined {
  try {
    if (Deno.permissions.querySync({ name: "env", variable: name }).state !== "granted") {
      return undefined;
    }
    return Deno.env.get(name) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens the first candidate that loads. A `PCSC_LIBRARY` that does not load is an error
 * naming it, with no fallback to the system's library.
 */
export function openLibrary(abi: Abi = CURRENT_ABI): PcscLibrary {
  const override = readEnv("PCSC_LIBRARY");
  const tried = libraryCandidates(abi); // [override] alone when it is set
  const failures: string[] = [];
  for (const path of tried) {
    try {
      const lib = Deno.dlopen(path, symbolDefinitions(abi));
      return { path, abi, symbols: lib.symbols };
    } catch (error) {
      if (error instanceof Deno.errors.NotCapable) {
        throw new PcscLibraryError(
          `Cannot open the PC/SC library ${path}: FFI is not permitted. Run with --allow-ffi ` +
            `(a scoped --allow-ffi=PATH must name the absolute path, e.g. ${tried[0]}).`,
          tried,
          { cause: error },
        );
      }
      const why = error instanceof Error ? error.message : String(error);
      if (override) {
        throw new PcscLibraryError(
          `PCSC_LIBRARY=${override} could not be loaded: ${why}\n` +
            `Point PCSC_LIBRARY at the PC/SC library, or unset it to use the system's.`,
          tried,
          { cause: error },
        );
      }
      failures.push(`  ${path}: ${why}`);
    }
  }
  throw new PcscLibraryError(
    `Cannot open the PC/SC library. Tried:\n${failures.join("\n")}\n` +
      `Set PCSC_LIBRARY to its path, or ${abi.installHint}.`,
    tried,
  );
}

let opened: PcscLibrary | undefined;

/**
 * The process-wide library, opened on first use and never closed: closing it with a
 * nonblocking call pending would pull the code from under a running thread.
 */
export function library(): PcscLibrary {
  return opened ??= openLibrary();
}

let openedSymbols: PcscSymbols | undefined;

/** The process-wide library's symbols: what every call of this layer goes through. */
export function symbols(): PcscSymbols {
  return openedSymbols ??= library().symbols;
}
