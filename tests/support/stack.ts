/**
 * A private pcscd with two vpcd virtual readers, for integration tests: no
 * hardware, and no mock of PC/SC.
 *
 * The daemon runs in its own mount namespace where `$PCSC_TEST_DIR/run` is
 * bind-mounted on /run/pcscd, so it never meets the machine's pcscd; clients
 * reach it through `PCSCLITE_CSOCK_NAME=$PCSC_TEST_DIR/run/pcscd.comm`.
 * libpcsclite reads that name once per process, so every stack of a test run
 * uses the same socket path, one stack at a time (`deno test --parallel` is
 * not supported).
 *
 * Integration tests reach it through `tests/support/fixture.ts`, which starts
 * one per test file and turns "cannot run here" into ignored tests.
 *
 * @module
 */

import { run } from "./command.ts";
import { hasLibPcscLite, isFile, which } from "./installed.ts";
import { disablePolkit } from "./polkit.ts";
import { freePortPair } from "./ports.ts";
import { hasQuickAckRoute, QUICKACK_HOST } from "./quick_ack.ts";
import { VirtualCard } from "./virtual_card.ts";

/** Why the stack cannot run here: one line, printed by the tests that skip. */
export type StackUnavailable = { readonly skipped: string };

/** How to start the daemon. */
export interface StartOptions {
  /** false: a daemon with no reader.conf entry at all (no reader). Default true. */
  readonly readers?: boolean;
  /**
   * true: leave pcsc-lite 2.x asking polkit about each client, as a system's pcscd does
   * (with no D-Bus system bus here, it refuses them all). Default false: `--disable-polkit`
   * wherever the daemon offers it.
   */
  readonly polkit?: boolean;
}

/** A card for one of the stack's readers. */
export interface StackCardOptions {
  /** Answered to the reader's GET ATR; see `tests/cards/atrs.ts`. */
  readonly atr: readonly number[];
  /** Which reader: 0 is "Virtual PCD 00 00", 1 is "Virtual PCD 00 01". Default 0. */
  readonly reader?: 0 | 1;
  /** The card's behaviour module; default `tests/cards/test_card.ts`. */
  readonly behaviour?: URL | string;
}

/** A private pcscd and its two virtual readers. Disposing stops the daemon. */
export interface PcscStack extends AsyncDisposable {
  /** The readers the running daemon has: both, or none after `start({ readers: false })`. */
  readonly readerNames: readonly string[];
  /** Where cards connect: 127.0.0.77 with its quick-ACK route, else 127.0.0.1. */
  readonly host: string;
  /** The readers' TCP ports [P, P + 1], chosen free once per stack and kept on restart. */
  readonly ports: readonly number[];
  /** Whether the daemon is running. */
  readonly running: boolean;
  /** The daemon's log file (the current one, or the last one). */
  readonly logPath: string;
  /** Stops the daemon: resolves once it has exited and its socket is gone. */
  stop(): Promise<void>;
  /** Starts the daemon: resolves once its socket accepts and its readers listen. */
  start(options?: StartOptions): Promise<void>;
  /** {@link stop} then {@link start}. */
  restart(options?: StartOptions): Promise<void>;
  /** A card for one of the readers, not inserted yet. */
  card(options: StackCardOptions): VirtualCard;
}

/** The vpcd driver that Debian's vsmartcard-vpcd installs. */
export const VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so";
/** The names pcscd gives vpcd's two slots for FRIENDLYNAME "Virtual PCD". */
export const READER_NAMES: readonly string[] = Object.freeze([
  "Virtual PCD 00 00",
  "Virtual PCD 00 01",
]);

const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;
const POLL_MS = 20;

/**
 * Starts a private pcscd with two virtual readers, or says in one line why it
 * cannot run here (not Linux, not root, packages missing, not under
 * `tests/run.ts`). Throws only when everything is there but the daemon fails
 * to start; its log is printed then.
 */
export async function startStack(): Promise<PcscStack | StackUnavailable> {
  const unavailable = await whyUnavailable();
  if (unavailable !== undefined) return { skipped: unavailable };
  const dir = Deno.env.get("PCSC_TEST_DIR")!;
  // libpcsclite reads it at its first call, which comes after this.
  Deno.env.set("PCSCLITE_CSOCK_NAME", `${dir}/run/pcscd.comm`);
  await stopLeftovers(dir);
  const host = (await hasQuickAckRoute()) ? QUICKACK_HOST : "127.0.0.1";
  const stack = new Stack(dir, host, freePortPair());
  await stack.start();
  return stack;
}

async function whyUnavailable(): Promise<string | undefined> {
  if (Deno.build.os !== "linux") return `they need Linux (this is ${Deno.build.os})`;
  if (Deno.uid() !== 0) return "they need root (for the daemon's private mount namespace)";
  const dir = Deno.env.get("PCSC_TEST_DIR");
  if (!dir) return "PCSC_TEST_DIR is unset (run them with `deno task test`)";
  const socket = `${dir}/run/pcscd.comm`;
  const named = Deno.env.get("PCSCLITE_CSOCK_NAME");
  if (named !== undefined && named !== socket) {
    return `PCSCLITE_CSOCK_NAME is ${named}, not ${socket}`;
  }
  const missing = [];
  if (!await which("pcscd")) missing.push("pcscd");
  if (!await isFile(VPCD_DRIVER)) missing.push("vsmartcard-vpcd");
  if (!await hasLibPcscLite()) missing.push("libpcsclite1");
  if (!await which("unshare") || !await which("mount")) missing.push("util-linux, mount");
  if (missing.length > 0) return `missing ${missing.join(", ")}`;
  return undefined;
}

class Stack implements PcscStack {
  readonly host: string;
  readonly ports: readonly number[];
  #dir: string;
  #pid: number | undefined;
  #readers = false;
  #logPath = "";

  constructor(dir: string, host: string, ports: readonly number[]) {
    this.#dir = dir;
    this.host = host;
    this.ports = ports;
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

  async start(options: StartOptions = {}): Promise<void> {
    if (this.#pid !== undefined) throw new Error("pcscd is already running: use restart()");
    const readers = options.readers ?? true;
    const runDir = `${this.#dir}/run`;
    const confDir = `${this.#dir}/reader.conf.d`;
    await Deno.mkdir(runDir, { recursive: true });
    await Deno.mkdir(`${this.#dir}/pids`, { recursive: true });
    // The bind mount needs its mount point; creating it on the host is harmless.
    await Deno.mkdir("/run/pcscd", { recursive: true });
    await Deno.remove(confDir, { recursive: true }).catch(() => {});
    await Deno.mkdir(confDir);
    if (readers) await Deno.writeTextFile(`${confDir}/vpcd`, readerConf(this.ports[0]));
    this.#logPath = await newLogPath(this.#dir);

    // Backgrounded by sh so that no Deno child process outlives the test that
    // started it (the resource sanitizer would fail it); the pid file lets
    // tests/run.ts kill a daemon left behind by a crash.
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
    await Deno.writeTextFile(`${this.#dir}/pids/${pid}`, "");
    try {
      await this.#waitReady(pid, `${runDir}/pcscd.comm`, readers);
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
    for (const file of ["run/pcscd.comm", "run/pcscd.pid", `pids/${pid}`]) {
      await Deno.remove(`${this.#dir}/${file}`).catch(() => {});
    }
  }

  async restart(options?: StartOptions): Promise<void> {
    await this.stop();
    await this.start(options);
  }

  card(options: StackCardOptions): VirtualCard {
    const reader = options.reader ?? 0;
    return new VirtualCard({
      atr: options.atr,
      host: this.host,
      port: this.ports[reader],
      behaviour: options.behaviour,
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
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

/** `$PCSC_TEST_DIR/pcscd-N.log`, N unique across the test files of a run. */
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

/** Test files run one after another: a daemon still listed belongs to one that did not stop it. */
async function stopLeftovers(dir: string): Promise<void> {
  const pids = await Array.fromAsync(Deno.readDir(`${dir}/pids`)).catch(() => []);
  for (const entry of pids) {
    const pid = Number(entry.name);
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
