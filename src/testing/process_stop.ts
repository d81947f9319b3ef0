/**
 * Stopping a daemon by its pid: SIGTERM, then SIGKILL, each given a few seconds, read from
 * /proc (the kit's daemons are not this process's children, so there is no exit status to
 * wait for). The same steps run awaited, or blocking where nothing can be awaited.
 *
 * @module
 */

const STOP_TIMEOUT_MS = 5_000;
/** How often the kit looks again at a daemon it waits for. */
export const POLL_MS = 20;

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function terminate(pid: number): Promise<void> {
  const steps = stopping(pid);
  for (let step = steps.next();; step = steps.next()) {
    if (step.done) {
      if (step.value) return;
      throw new Error(`pcscd (pid ${pid}) survived SIGKILL`);
    }
    await delay(step.value);
  }
}

/** {@link terminate} for `unload`, where nothing can be awaited: the waits block. */
export function terminateSync(pid: number): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (const ms of stopping(pid)) Atomics.wait(pause, 0, 0, ms);
}

/** Whether `pid` is a live pcscd. */
export function isPcscd(pid: number): boolean {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/comm`).trim() === "pcscd" && isAlive(pid);
  } catch {
    return false;
  }
}

/** Exited processes count as dead even while nobody has reaped them. */
export function isAlive(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Resolves after `ms` milliseconds: the pause between two looks at a daemon. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The signals and the looks in between; each value yielded is a pause the caller makes
 * (awaited or blocking), and the result is whether the process has gone.
 */
function* stopping(pid: number): Generator<number, boolean, void> {
  for (const signal of ["SIGTERM", "SIGKILL"] as const) {
    try {
      Deno.kill(pid, signal);
    } catch {
      return true; // already gone
    }
    const deadline = Date.now() + STOP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) return true;
      yield POLL_MS;
    }
  }
  return false;
}
