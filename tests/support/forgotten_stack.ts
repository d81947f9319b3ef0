/**
 * A program that starts a virtual stack and forgets to dispose it (no `await using`), then
 * ends: as a script (`deno run`) whose work is done, one that calls `Deno.exit` with
 * `FORGET_IN=exit`, or with `FORGET_IN=test` as a test file (`deno test`).
 * It prints `{"dir": ..., "pid": ...}`: the stack's folder and its pcscd, which the kit must
 * have removed and stopped once the process has ended.
 *
 * @module
 */

import { startVirtualStack } from "../../src/testing/mod.ts";

async function forget(): Promise<void> {
  const stack = await startVirtualStack();
  const [entry] = await Array.fromAsync(Deno.readDir(`${stack.dir}/pids`));
  console.log(JSON.stringify({ dir: stack.dir, pid: Number(entry.name) }));
}

if (Deno.env.get("FORGET_IN") === "test") {
  Deno.test("a test that forgets await using", forget);
} else {
  await forget();
  if (Deno.env.get("FORGET_IN") === "exit") Deno.exit(0);
}
