/**
 * Daemons a crashed stack left behind: each daemon's pid is recorded in `<dir>/pids/` with
 * the pid of the process whose stack started it, so that a later stack of the folder (or
 * the project's test runner) can stop it.
 *
 * @module
 */

import { isAlive, isPcscd, terminate } from "./process_stop.ts";

/** Records that this process's stack started daemon `pid` in `dir`. */
export async function recordDaemon(dir: string, pid: number): Promise<void> {
  await Deno.writeTextFile(`${dir}/pids/${pid}`, String(Deno.pid));
}

/**
 * Stacks of one process run one after another (test files of one `deno test`): a daemon
 * still listed by this process, or by one that has exited, belongs to a stack that did not
 * stop it. One listed by a live process is that process's: left alone.
 */
export async function stopLeftovers(dir: string): Promise<void> {
  const pids = await Array.fromAsync(Deno.readDir(`${dir}/pids`)).catch(() => []);
  for (const entry of pids) {
    const pid = Number(entry.name);
    const owner = Number(await Deno.readTextFile(`${dir}/pids/${entry.name}`).catch(() => ""));
    if (owner > 0 && owner !== Deno.pid && isAlive(owner)) continue;
    if (Number.isInteger(pid) && isPcscd(pid)) await terminate(pid);
    await Deno.remove(`${dir}/pids/${entry.name}`).catch(() => {});
  }
}
