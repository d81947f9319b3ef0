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

import { run } from "./command.ts";
import { which } from "./installed.ts";
import { disablePolkit } from "./polkit.ts";
import { freePortPair } from "./ports.ts";
import { hasQuickAckRoute, QUICKACK_HOST } from "./quick_ack.ts";
import { missingRequirements, StackUnavailableError, VPCD_DRIVER } from "./requirements.ts";
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

const SOCKET = "run/pcscd.comm";
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 20;

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

/** The stack's folder, and whether the stack makes it (and so removes it). */
async function stackDir(given: string | undefined): Promise<{ dir: string; owned: boolean }> {
  const named = Deno.env.get("PCSCLITE_CSOCK_NAME");
  let dir = given;
  if (dir === undefined && named !== undefined) {
    if (!named.endsWith(`/${SOCKET}`)) {
      throw new Error(
        `PCSCLITE_CSOCK_NAME is ${named}, not a virtual stack's socket (<dir>/${SOCKET}): ` +
          "libpcsclite would keep talking to that daemon; unset it",
      );
    }
    dir = named.slice(0, -SOCKET.length - 1);
  }
  if (dir === undefined) {
    return { dir: await Deno.makeTempDir({ prefix: "pcsc-testing-" }), owned: true };
  }
  if (named !== undefined && named !== `${dir}/${SOCKET}`) {
    throw new Error(
      `PCSCLITE_CSOCK_NAME is ${named}, not ${dir}/${SOCKET}: libpcsclite reads it once per ` +
        "process, so it would keep talking to that daemon",
    );
  }
  const exists = await Deno.stat(dir).then(() => true, () => false);
  if (!exists) await Deno.mkdir(dir, { recursive: true });
  return { dir, owned: !exists };
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
  readonly #atExit = (): void => this.#tearDownSync();

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
    const runDir = `${this.dir}/run`;
    const confDir = `${this.dir}/reader.conf.d`;
    await Deno.mkdir(runDir, { recursive: true });
    await Deno.mkdir(`${this.dir}/pids`, { recursive: true });
    // The bind mount needs its mount point; creating it on the host is harmless.
    await Deno.mkdir("/run/pcscd", { recursive: true });
    await Deno.remove(confDir, { recursive: true }).catch(() => {});
    await Deno.mkdir(confDir);
    if (readers) await Deno.writeTextFile(`${confDir}/vpcd`, readerConf(this.ports[0]));
    this.#logPath = await newLogPath(this.dir);

    // Backgrounded by sh so that no Deno child process outlives the call that
    // started it (the resource sanitizer would fail the test); the pid file,
    // which names this process, lets a later stack or the project's runner
    // kill a daemon left behind by a crash.
    const [unshare, mount, pcscd] = await Promise.all(["unshare", "mount", "pcscd"].map(which));
    const polkit = options.polkit ? [] : await disablePolkit(pcscd!);
    const flags = ["--foreground", "--info", ...polkit].join(" ");
    const started = await run("sh", [
      "-c",
      `"$1" -m sh -c '"$1" --bind "$2" /run/pcscd && exec "$3" ${flags} -c "$4"' \
        pcscd "$2" "$3" "$4" "$5" >"$6" 2>&1 </dev/null & echo $!`,
      "sh",
      unshare!,
      mount!,
      runDir,
      pcscd!,
      confDir,
      this.#logPath,
    ]);
    const pid = Number(started.stdout.trim());
    if (!started.ok || !Number.isInteger(pid) || pid <= 0) {
      throw new Error(`could not start pcscd: ${started.stderr.trim()}`);
    }
    this.#pid = pid;
    this.#readers = readers;
    await Deno.writeTextFile(`${this.dir}/pids/${pid}`, String(Deno.pid));
    try {
      await this.#waitReady(pid, this.socketPath, readers);
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
    // pcscd removes these on a clean exit; not after SIGKILL.
    for (const file of [SOCKET, "run/pcscd.pid", `pids/${pid}`]) {
      await Deno.remove(`${this.dir}/${file}`).catch(() => {});
    }
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

  /**
   * What dispose does, in the only form the `unload` event allows (synchronous): the daemon
   * stopped, its files or the whole folder the stack made removed. `unload` fires when the
   * program's last task is done, after `Deno.exit()`, and at the end of each file of a
   * `deno test` run; not when a signal kills the process (the next stack of the folder, or
   * the project's test runner, stops that daemon: see `stopLeftovers`).
   */
  #tearDownSync(): void {
    const pid = this.#pid;
    this.#pid = undefined;
    if (pid !== undefined) {
      terminateSync(pid);
      for (const file of [SOCKET, "run/pcscd.pid", `pids/${pid}`]) {
        try {
          Deno.removeSync(`${this.dir}/${file}`);
        } catch {
          // pcscd removed it on its way out
        }
      }
    }
    if (!this.#owned) return;
    try {
      Deno.removeSync(this.dir, { recursive: true });
    } catch {
      // already gone
    }
  }

  async #waitReady(pid: number, socket: string, readers: boolean): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let waitingFor = "its socket";
    while (Date.now() < deadline) {
      if (!isAlive(pid)) throw new Error(`pcscd exited while starting (log: ${this.#logPath})`);
      if (await accepts(socket)) {
        // pcscd opens its serial readers before its socket, so once the
        // socket accepts, the readers are registered: only check they listen.
        waitingFor = `its readers on TCP ${this.ports.join(" and ")}`;
        if (!readers || await listensOn(pid, this.ports)) return;
      }
      await delay(POLL_MS);
    }
    throw new Error(`pcscd not ready after ${READY_TIMEOUT_MS} ms: waiting for ${waitingFor}`);
  }
}

function readerConf(port: number): string {
  const channel = `0x${port.toString(16).toUpperCase()}`;
  return [
    `FRIENDLYNAME "Virtual PCD"`,
    `DEVICENAME   /dev/null:${channel}`,
    `LIBPATH      ${VPCD_DRIVER}`,
    `CHANNELID    ${channel}`,
    "",
  ].join("\n");
}

/** `<dir>/pcscd-N.log`, N unique across the stacks that share the folder. */
async function newLogPath(dir: string): Promise<string> {
  for (let n = 1;; n++) {
    const path = `${dir}/pcscd-${n}.log`;
    try {
      (await Deno.open(path, { write: true, createNew: true })).close();
      return path;
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
}

/**
 * Stacks of one process run one after another (test files of one `deno test`): a daemon
 * still listed by this process, or by one that has exited, belongs to a stack that did not
 * stop it. One listed by a live process is that process's: left alone.
 */
async function stopLeftovers(dir: string): Promise<void> {
  const pids = await Array.fromAsync(Deno.readDir(`${dir}/pids`)).catch(() => []);
  for (const entry of pids) {
    const pid = Number(entry.name);
    const owner = Number(await Deno.readTextFile(`${dir}/pids/${entry.name}`).catch(() => ""));
    if (owner > 0 && owner !== Deno.pid && isAlive(owner)) continue;
    if (Number.isInteger(pid) && isPcscd(pid)) await terminate(pid);
    await Deno.remove(`${dir}/pids/${entry.name}`).catch(() => {});
  }
}

/** SIGTERM, then SIGKILL if it has not exited within {@link STOP_TIMEOUT_MS}. */
async function terminate(pid: number): Promise<void> {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    try {
      Deno.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return;
      await delay(POLL_MS);
    }
  }
  throw new Error(`pcscd (pid ${pid}) survived SIGKILL`);
}

/** {@link terminate} for `unload`, where nothing can be awaited: the waits block. */
function terminateSync(pid: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    try {
      Deno.kill(pid, signal);
    } catch {
      return; // already gone
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return;
      Atomics.wait(pause, 0, 0, POLL_MS);
    }
  }
}

/** Exited processes count as dead even while nobody has reaped them. */
function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

function isPcscd(pid: number): boolean {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim() === "pcscd" && isAlive(pid);
  } catch {
    return false;
  }
}

async function accepts(socket: string): Promise<boolean> {
  try {
    (await Deno.connect({ transport: "unix", path: socket })).close();
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` listens on every port. Read from /proc rather than by
 * connecting: a connection to a vpcd port is a card insertion.
 */
async function listensOn(pid: number, ports: readonly number[]): Promise<boolean> {
  const inodes = new Map<number, string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await Deno.readTextFile(table).catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const LISTEN = "0A";
      if (fields.length < 10 || fields[3] !== LISTEN) continue;
      inodes.set(parseInt(fields[1].split(":").at(-1)!, 16), fields[9]);
    }
  }
  const owned = new Set<string>();
  for await (const fd of Deno.readDir(`/proc/${pid}/fd`)) {
    const target = await Deno.readLink(`/proc/${pid}/fd/${fd.name}`).catch(() => "");
    const socket = /^socket:\[(\d+)\]$/.exec(target);
    if (socket) owned.add(socket[1]);
  }
  return ports.every((port) => owned.has(inodes.get(port) ?? ""));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
