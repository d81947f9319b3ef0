/**
 * The card utility: `deno run -A jsr:@pcsc/smartcard/cli <command>`, or a binary from
 * `deno compile -A`. `list`, `watch`, `atr`, `send`, `script`, `nfc`; `--help` on each.
 *
 * Exit codes: 0 ok, 1 a failure (one line, with the PC/SC code, never a stack trace),
 * 2 a command line that does not make sense.
 *
 * @module
 */

import { atr, type Command, list, script, send, watch } from "./commands.ts";
import { nfc } from "./nfc.ts";
import { helpText, parseArgs, UsageError } from "./options.ts";
import { Output } from "./output.ts";

const COMMANDS: Readonly<Record<string, Command>> = { list, watch, atr, send, script, nfc };

/** Runs the utility with `argv`; resolves to its exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let command: string | undefined;
  try {
    const call = parseArgs(argv);
    command = call.command;
    if (call.help) {
      console.log(helpText(call.command === "help" ? call.args[0] : call.command));
      return 0;
    }
    return await COMMANDS[call.command](call, new Output(call.json));
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(
        `usage error: ${error.message} (see --help${
          command && command !== "help" ? ` on ${error.command ?? command}` : ""
        })`,
      );
      return 2;
    }
    const message = error instanceof Error ? `${error.message}` : String(error);
    console.error(`error: ${message.replace(/\s*\n\s*/g, "; ")}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
