/**
 * A PC/SC context with one owner: the one place a SCARDCONTEXT is freed.
 *
 * @module
 */

import { SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED } from "../ffi/error_codes.ts";
import { type NativePcsc, SYSTEM_PCSC } from "../ffi/native.ts";
import { PcscError } from "../ffi/pcsc_error.ts";
import type { ScardContext } from "../ffi/native_handles.ts";

/** SCardEstablishContext's scope: the user's (the default). */
export const SCARD_SCOPE_USER = 0x0000;
/** SCardEstablishContext's scope: the system's (the Web Smart Card API's). */
export const SCARD_SCOPE_SYSTEM = 0x0002;

// What the finalizer frees when an owner is dropped without release(): the handle and the
// library it came from, never the Context itself (that would keep it reachable).
interface Held {
  native: NativePcsc;
  handle: ScardContext | null;
  // what depends on the context and is freed just before it (a card handle on it)
  before: (() => void)[];
}

const dropped = new FinalizationRegistry<Held>((held) => free(held));

/**
 * Owns one SCARDCONTEXT. pcsc-lite serialises the calls of a context, so whatever may wait
 * (a connection, a watch of the readers) has one of its own.
 *
 * The handle is freed exactly once: by {@link release}, or when the owner is collected
 * without it. A release while a call runs on the blocking pool (see {@link during}) frees
 * the handle only once that call has settled: freeing it under the call would let the PC/SC
 * client use freed memory.
 */
export class Context implements Disposable {
  /** The native calls this context is reached through. */
  readonly native: NativePcsc;
  readonly #held: Held;
  #running = 0;
  #released = false;

  private constructor(native: NativePcsc, handle: ScardContext) {
    this.native = native;
    this.#held = { native, handle, before: [] };
    dropped.register(this, this.#held, this);
  }

  /**
   * SCardEstablishContext, in the user scope unless told otherwise (the Web Smart Card API
   * asks for the system scope); throws the `PcscError` of a failure.
   */
  static establish(native: NativePcsc = SYSTEM_PCSC, scope: number = SCARD_SCOPE_USER): Context {
    return new Context(native, native.establishContext(true, scope) as ScardContext);
  }

  /** {@link Context.establish} with SCardEstablishContext on the blocking pool. */
  static async open(
    native: NativePcsc = SYSTEM_PCSC,
    scope: number = SCARD_SCOPE_USER,
  ): Promise<Context> {
    return new Context(native, await native.establishContext(false, scope));
  }

  /** The native handle; throws once released. */
  get handle(): ScardContext {
    const handle = this.#held.handle;
    if (this.#released || handle === null) throw new Error("PC/SC context already released");
    return handle;
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#released;
  }

  /** Runs a call that uses this context on the blocking pool; see {@link release}. */
  async during<T>(call: (handle: ScardContext) => Promise<T>): Promise<T> {
    const handle = this.handle;
    this.#running++;
    try {
      return await call(handle);
    } finally {
      if (--this.#running === 0 && this.#released) free(this.#held);
    }
  }

  /**
   * Has `free` run just before the context is freed, by {@link release} or the finalizer:
   * for what lives on the context (a card handle). It must not hold the owner.
   */
  beforeRelease(free: () => void): void {
    this.#held.before.push(free);
  }

  /**
   * SCardListReaders, blocking: every reader, or those of `groups`; `[]` when there are none.
   * It never waits on a card or a transaction, only on the calls running on this context.
   */
  listReaders(groups: readonly string[] | null = null): string[] {
    return this.native.listReaders(true, this.handle, groups) as string[];
  }

  /** {@link listReaders} on the blocking pool. */
  listReadersAsync(groups: readonly string[] | null = null): Promise<string[]> {
    return this.during((handle) => Promise.resolve(this.native.listReaders(false, handle, groups)));
  }

  /** SCardListReaderGroups. */
  listReaderGroups(): string[] {
    return this.native.listReaderGroups(this.handle);
  }

  /** Whether reader groups can be changed here (only winscard can). */
  get canChangeGroups(): boolean {
    return this.native.supportsReaderGroupChanges();
  }

  /** SCardIntroduceReaderGroup and SCardAddReaderToGroup. */
  addReaderToGroup(reader: string, group: string): void {
    this.native.addReaderToGroup(this.handle, reader, group);
  }

  /** SCardRemoveReaderFromGroup. */
  removeReaderFromGroup(reader: string, group: string): void {
    this.native.removeReaderFromGroup(this.handle, reader, group);
  }

  /** SCardCancel: ends a wait pending on this context. Nothing to cancel is no error. */
  cancel(): void {
    const handle = this.#held.handle;
    if (handle !== null) this.native.cancel(handle);
  }

  /**
   * SCardReleaseContext, once; deferred while a call runs (see {@link during}). A context the
   * service already dropped (pcscd restarted) fails to release: nothing is left to free then,
   * so that is not reported.
   */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    dropped.unregister(this);
    if (this.#running === 0) free(this.#held);
  }

  /** Same as {@link release}. */
  [Symbol.dispose](): void {
    this.release();
  }
}

function free(held: Held): void {
  const handle = held.handle;
  if (handle === null) return;
  held.handle = null;
  for (const before of held.before.splice(0)) before();
  try {
    held.native.releaseContext(handle);
  } catch (error) {
    if (!(error instanceof PcscError)) throw error;
  }
}

/**
 * Whether `error` is the service stopped where it stops with its last reader (Windows,
 * macOS): there, no service means no reader, an empty list rather than a failure.
 */
export function stoppedWithoutReaders(native: NativePcsc, error: unknown): boolean {
  return native.abi.serviceStopsWithoutReaders && error instanceof PcscError &&
    (error.code === SCARD_E_NO_SERVICE || error.code === SCARD_E_SERVICE_STOPPED);
}
