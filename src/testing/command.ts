/**
 * Running a short command to completion and reading what it said, for the stack, the machine
 * set-up and the runner alike: one place decides that stdin is closed (so nothing waits on a
 * terminal), that a command is looked up in the sbin folders too, and that a command that
 * cannot start is a failed result rather than a throw, so every caller has a line to print.
 *
 * @module
 */

import { which } from "./installed.ts";

/** How a command ended. */
export interface RunResult {
  /** It started and exited with status 0. */
  readonly ok: boolean;
  readonly stdout: string;
  /** Its stderr, or why it could not start. */
  readonly stderr: string;
}

/** Extra environment for the command, on top of this process's. */
export interface RunOptions {
  readonly env?: Record<string, string>;
}

/** Runs `command` (found by {@link which}, else as given) and waits for it to exit. */
export async function run(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<RunResult> {
  try {
    const path = await which(command) ?? command;
    const output = await new Deno.Command(path, { args, stdin: "null", env: options.env })
      .output();
    const decoder = new TextDecoder();
    return {
      ok: output.success,
      stdout: decoder.decode(output.stdout),
      stderr: decoder.decode(output.stderr),
    };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { ok: false, stdout: "", stderr: why };
  }
}
