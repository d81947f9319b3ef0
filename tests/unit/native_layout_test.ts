// Proves the Linux description against the C compiler's own answer: sizeof and offsetof from
// <PCSC/winscard.h>, when a C compiler and libpcsclite-dev are present.
import assert from "node:assert/strict";
import { LINUX_ABI } from "../../src/ffi/abi.ts";

const PROGRAM = `
#include <stddef.h>
#include <stdio.h>
#include <PCSC/winscard.h>
int main(void) {
  printf("%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu %zu\\n",
    sizeof(DWORD), sizeof(LONG), sizeof(SCARDCONTEXT), sizeof(SCARD_IO_REQUEST),
    offsetof(SCARD_READERSTATE, szReader), offsetof(SCARD_READERSTATE, pvUserData),
    offsetof(SCARD_READERSTATE, dwCurrentState), offsetof(SCARD_READERSTATE, dwEventState),
    offsetof(SCARD_READERSTATE, cbAtr), offsetof(SCARD_READERSTATE, rgbAtr),
    sizeof(((SCARD_READERSTATE *)0)->rgbAtr), sizeof(SCARD_READERSTATE));
  return 0;
}`;

async function compilerFacts(): Promise<number[] | string> {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64" && Deno.build.arch !== "aarch64") {
    return "not 64-bit Linux";
  }
  try {
    await Deno.stat("/usr/include/PCSC/winscard.h");
  } catch {
    return "no /usr/include/PCSC/winscard.h (libpcsclite-dev)";
  }
  const dir = await Deno.makeTempDir({ prefix: "pcsc-layout-" });
  try {
    await Deno.writeTextFile(`${dir}/layout.c`, PROGRAM);
    const cc = await new Deno.Command("cc", {
      args: ["-I/usr/include/PCSC", "-o", `${dir}/layout`, `${dir}/layout.c`],
      stderr: "piped",
    }).output().catch(() => null);
    if (!cc || !cc.success) return "no working C compiler";
    const run = await new Deno.Command(`${dir}/layout`).output();
    return new TextDecoder().decode(run.stdout).trim().split(" ").map(Number);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const facts = await compilerFacts();

Deno.test({
  name: "Linux description matches the C compiler's sizeof and offsetof",
  ignore: typeof facts === "string",
  fn() {
    const l = LINUX_ABI.readerState;
    assert.deepEqual(facts, [
      LINUX_ABI.dword.size,
      LINUX_ABI.long.size,
      LINUX_ABI.handle.size,
      LINUX_ABI.ioRequestSize,
      l.szReader,
      l.pvUserData,
      l.dwCurrentState,
      l.dwEventState,
      l.cbAtr,
      l.rgbAtr,
      l.atrCapacity,
      l.size,
    ]);
  },
});
if (typeof facts === "string") console.log(`native layout test skipped: ${facts}`);
