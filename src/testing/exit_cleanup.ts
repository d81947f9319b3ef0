/**
 * A stack nobody disposed (`await using` forgotten) still goes when the process ends: the
 * `unload` event runs a synchronous form of dispose.
 *
 * @module
 */

import { terminateSync } from "./process_stop.ts";
import { daemonFiles } from "./stack_folder.ts";

/**
 * What dispose does, in the only form the `unload` event allows (synchronous): daemon `pid`
 * (if any) stopped, its files or, when `owned`, the whole folder removed. `unload` fires
 * when the program's last task is done, after `Deno.exit()`, and at the end of each file of
 * a `deno test` run; not when a signal kills the process (the next stack of the folder, or
 * the project's test runner, stops that daemon: see `stopLeftovers`).
 */
export function tearDownSync(dir: string, pid: number | undefined, owned: boolean): void {
  if (pid !== undefined) {
    terminateSync(pid);
    for (const file of daemonFiles(dir, pid)) {
      try {
        Deno.removeSync(file);
      } catch {
        // pcscd removed it on its way out
      }
    }
  }
  if (!owned) return;
  try {
    Deno.removeSync(dir, { recursive: true });
  } catch {
    // already gone
  }
}
