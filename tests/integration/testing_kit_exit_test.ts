/**
 * The testing kit cleans up after a program that forgot `await using` on
 * `startVirtualStack()`: when the process ends, its pcscd is stopped and its temporary
 * folder removed. Each case runs `tests/support/forgotten_stack.ts` in a process of its own,
 * as a user runs a script or a test file, and looks for what it left once it has exited.
 */

import assert from "node:assert/strict";
import { missingRequirements } from "../../src/testing/mod.ts";
import "../../src/testing/library.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const missing = await missingRequirements();

/** This environment without the stack's socket name, as a user's shell has it. */
function plainEnv(): Record<string, string> {
  const env = Deno.env.toObject();
  delete env.PCSCLITE_CSOCK_NAME;
  delete env.PCSC_TEST_DIR;
  return env;
}

/** Whether `pid` runs pcscd (a zombie does not count: it has exited). */
function runsPcscd(pid: number): boolean {
  try {
    return /^\d+ \(pcscd\) [^ZX]/.test(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return false;
  }
}

async function forgetIn(mode: "script" | "exit" | "test"): Promise<void> {
  const args = mode === "test"
    ? ["test", "-A", "tests/support/forgotten_stack.ts"]
    : ["run", "-A", "tests/support/forgotten_stack.ts"];
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    clearEnv: true,
    env: { ...plainEnv(), NO_COLOR: "1", FORGET_IN: mode },
    stdin: "null",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  assert.equal(output.code, 0, text + new TextDecoder().decode(output.stderr));
  const line = text.split("\n").find((l) => l.startsWith('{"dir"'));
  assert.ok(line, `no stack reported:\n${text}`);
  const { dir, pid } = JSON.parse(line) as { dir: string; pid: number };
  // the child has exited: whatever it left is left for good
  assert.equal(runsPcscd(pid), false, `pcscd ${pid} still runs`);
  assert.equal(await Deno.stat(dir).then(() => true, () => false), false, `${dir} still exists`);
}

for (const mode of ["script", "exit", "test"] as const) {
  Deno.test({
    name: `kit: a stack a ${
      { script: "script", exit: "script calling Deno.exit", test: "test file" }[mode]
    } forgot to dispose is gone when its process ends`,
    ignore: missing.length > 0,
    fn: () => forgetIn(mode),
  });
}
