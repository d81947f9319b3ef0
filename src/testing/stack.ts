/**
 * A private pcscd with two vpcd virtual readers: a real PC/SC stack for tests, with no
 * hardware and no mock of PC/SC.
 *
 * The daemon runs in its own mount namespace where `<dir>/run` is bind-mounted on
 * /run/pcscd, so it never meets the machine's pcscd; this process reaches it through
 * `PCSCLITE_CSOCK_NAME=<dir>/run/pcscd.comm`. libpcsclite reads that name once per process,
 * at its first call: so the stack sets it before, and every later stack of the process
 * (another test file of the same `deno test`) takes the folder it names, one stack at a
 * time.
 *
 * @module
 */

import { tearDownSync } from "./exit_cleanup.ts";
import { recordDaemon, stopLeftovers } from "./leftover_daemons.ts";
import { launchPcscd } from "./pcscd_launch.ts";
import { accepts, waitReady } from "./pcscd_readiness.ts";
import { freePortPair } from "./ports.ts";
import { terminate } from "./process_stop.ts";
import { hasQuickAckRoute, QUICKACK_HOST } from "./quick_ack.ts";
import { missingRequirements, StackUnavailableError } from "./requirements.ts";
import { daemonFiles, SOCKET, stackDir } from "./stack_folder.ts";
import { type CardOptions, VirtualCard } from "./virtual_card.ts";

/** How to start the daemon. */
export interface StackStartOptions {
  /** false: a daemon with no reader at all (for code that waits for a reader). Default true. */
  readonly readers?: boolean;
  /**
   * true: leave pcsc-lite 2.x asking polkit about each client, as a system's pcscd does
   * (with no D-Bus system bus, it then refuses them all). Default false: `--disable-polkit`
   * wherever the daemon offers it.
   */
  readonly polkit?: boolean;
}

/** How {@link startVirtualStack} sets up the stack. */
export interface VirtualStackOptions extends StackStartOptions {
  /**
   * The folder for the daemon's socket, reader configuration and logs. Default: the folder
   * of the socket `PCSCLITE_CSOCK_NAME` names when an earlier stack of this process set it,
   * else a new temporary folder. A folder the stack created is removed on dispose.
   */
  readonly dir?: string;
  /**
   * The behaviour module of the cards {@link VirtualStack.card} makes with neither a
   * behaviour nor a script of their own (see `CardOptions.behaviour`).
   */
  readonly behaviour?: URL | string;
}

/** A card for one of the stack's readers: what it is and does, and which reader. */
export interface StackCardOptions extends Omit<CardOptions, "behaviour"> {
  /** Which reader: 0 is "Virtual PCD 00 00", 1 is "Virtual PCD 00 01". Default 0. */
  readonly reader?: 0 | 1;
  /** The card's behaviour module; default the stack's {@link VirtualStackOptions.behaviour}. */
  readonly behaviour?: URL | string;
}

/** A private pcscd and its two virtual readers. Disposing stops the daemon and cleans up. */
export interface VirtualStack extends AsyncDisposable {
  /** The readers the running daemon has: both, or none after `start({ readers: false })`. */
  readonly readerNames: readonly string[];
  /** Where cards connect: 127.0.0.77 where it has a quick-ACK route, else 127.0.0.1. */
  readonly host: string;
  /** The readers' TCP ports [P, P + 1], chosen free once per stack and kept on restart. */
  readonly ports: readonly number[];
  /** The folder of the daemon's files. */
  readonly dir: string;
  /** The daemon's socket, which `PCSCLITE_CSOCK_NAME` names for this process. */
  readonly socketPath: string;
  /** Whether the daemon is running. */
  readonly running: boolean;
  /** The daemon's log file (the current one, or the last one); gone once disposed. */
  readonly logPath: string;
  /** Stops the daemon: resolves once it has exited and its socket is gone. */
  stop(): Promise<void>;
  /** Starts the daemon again: resolves once its socket accepts and its readers listen. */
  start(options?: StackStartOptions): Promise<void>;
  /** {@link stop} then {@link start}. */
  restart(options?: StackStartOptions): Promise<void>;
  /**
   * A card for one of the readers, not inserted yet.
   * @throws TypeError without exactly one of a behaviour (its own or the stack's) and a script
   */
  card(options: StackCardOptions): VirtualCard;
}

/** The names pcscd gives vpcd's two slots for FRIENDLYNAME "Virtual PCD". */
export const READER_NAMES: readonly string[] = Object.freeze([
  "Virtual PCD 00 00",
  "Virtual PCD 00 01",
]);

/**
 * Starts a private pcscd with two virtual readers ("Virtual PCD 00 00" and "Virtual PCD 00
 * 01") and points this process's PC/SC client at it: call it before the first PC/SC call
 * of the process. One stack at a time per process.
 *
 * ```ts
 * await using stack = await startVirtualStack();
 * await using card = stack.card({ atr: [0x3b, 0x02, 0x54, 0x30], script: [] });
 * ```
 *
 * Needs Linux, root, and the Debian packages pcscd, vsmartcard-vpcd and libpcsclite1;
 * installs nothing.
 *
 * @throws StackUnavailableError before changing anything, when the machine lacks one of them
 * @throws Error when `PCSCLITE_CSOCK_NAME` names another daemon, or the daemon fails to start
 * (its log is printed then)
 */
export async function startVirtualStack(options: VirtualStackOptions = {}): Promise<VirtualStack> {
  const missing = await missingRequirements();
  if (missing.length > 0) throw new StackUnavailableError(missing);
  const { dir, owned } = await stackDir(options.dir);
  const stack = new Stack(dir, owned, options.behaviour);
  try {
    // libpcsclite reads it at its first call, which comes after this.
    Deno.env.set("PCSCLITE_CSOCK_NAME", stack.socketPath);
    await stopLeftovers(dir);
    if (await accepts(stack.socketPath)) {
      throw new Error(
        `a pcscd already serves ${stack.socketPath}: another stack runs (of a parent ` +
          "process? unset PCSCLITE_CSOCK_NAME for a child process with a stack of its own)",
      );
    }
    await stack.init();
    await stack.start(options);
  } catch (error) {
    await stack[Symbol.asyncDispose]();
    throw error;
  }
  return stack;
}

class Stack implements VirtualStack {
  host = "127.0.0.1";
  readonly ports: readonly number[] = freePortPair();
  readonly dir: string;
  readonly #owned: boolean;
  readonly #behaviour: URL | string | undefined;
  #pid: number | undefined;
  #readers = false;
  #logPath = "";
  // A stack nobody disposed (`await using` forgotten) still goes when the process ends.
  readonly #atExit = (): void => {
    const pid = this.#pid;
    this.#pid = undefined;
    tearDownSync(this.dir, pid, this.#owned);
  };

  constructor(dir: string, owned: boolean, behaviour: URL | string | undefined) {
    this.dir = dir;
    this.#owned = owned;
    this.#behaviour = behaviour;
    globalThis.addEventListener("unload", this.#atExit);
  }

  async init(): Promise<void> {
    if (await hasQuickAckRoute()) this.host = QUICKACK_HOST;
  }

  get socketPath(): string {
    return `${this.dir}/${SOCKET}`;
  }

  get readerNames(): readonly string[] {
    return this.#pid !== undefined && this.#readers ? READER_NAMES : [];
  }

  get running(): boolean {
    return this.#pid !== undefined;
  }

  get logPath(): string {
    return this.#logPath;
  }

  async start(options: StackStartOptions = {}): Promise<void> {
    if (this.#pid !== undefined) throw new Error("pcscd is already running: use restart()");
    const readers = options.readers ?? true;
    const { pid, logPath } = await launchPcscd({
      dir: this.dir,
      port: this.ports[0],
      readers,
      polkit: options.polkit ?? false,
    });
    this.#logPath = logPath;
    this.#pid = pid;
    this.#readers = readers;
    await recordDaemon(this.dir, pid);
    try {
      await waitReady(pid, this.socketPath, this.ports, readers, this.#logPath);
    } catch (error) {
      await this.stop();
      const log = await Deno.readTextFile(this.#logPath).catch(() => "(no log)");
      console.error(`--- ${this.#logPath} ---\n${log}--- end of pcscd log ---`);
      throw error;
    }
  }

  async stop(): Promise<void> {
    const pid = this.#pid;
    if (pid === undefined) return;
    await terminate(pid);
    this.#pid = undefined;
    for (const file of daemonFiles(this.dir, pid)) await Deno.remove(file).catch(() => {});
  }

  async restart(options?: StackStartOptions): Promise<void> {
    await this.stop();
    await this.start(options);
  }

  card(options: StackCardOptions): VirtualCard {
    const reader = options.reader ?? 0;
    const { behaviour = options.script === undefined ? this.#behaviour : undefined } = options;
    return new VirtualCard({
      ...options,
      behaviour,
      host: this.host,
      port: this.ports[reader],
      readerName: READER_NAMES[reader],
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    globalThis.removeEventListener("unload", this.#atExit);
    await this.stop();
    if (this.#owned) await Deno.remove(this.dir, { recursive: true }).catch(() => {});
  }
}
