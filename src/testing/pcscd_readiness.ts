/**
 * When a started pcscd is ready: its socket accepts, and vpcd's readers listen on their TCP
 * ports (read from /proc: a connection to a vpcd port would be a card insertion).
 *
 * @module
 */

import { delay, isAlive, POLL_MS } from "./process_stop.ts";

const READY_TIMEOUT_MS = 10_000;

/**
 * Resolves once daemon `pid` accepts on `socket` and, with `readers`, listens on every one
 * of `ports`; rejects when it exits first or is not ready within 10 s.
 */
export async function waitReady(
  pid: number,
  socket: string,
  ports: readonly number[],
  readers: boolean,
  logPath: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let waitingFor = "its socket";
  while (Date.now() < deadline) {
    if (!isAlive(pid)) throw new Error(`pcscd exited while starting (log: ${logPath})`);
    if (await accepts(socket)) {
      // pcscd opens its serial readers before its socket, so once the
      // socket accepts, the readers are registered: only check they listen.
      waitingFor = `its readers on TCP ${ports.join(" and ")}`;
      if (!readers || await listensOn(pid, ports)) return;
    }
    await delay(POLL_MS);
  }
  throw new Error(`pcscd not ready after ${READY_TIMEOUT_MS} ms: waiting for ${waitingFor}`);
}

/** Whether a daemon accepts connections on the unix socket `socket`. */
export async function accepts(socket: string): Promise<boolean> {
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
