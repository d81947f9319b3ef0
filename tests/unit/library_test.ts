// Finding the PC/SC library: what is tried, in which order, and what the error says.
import assert from "node:assert/strict";
import { LINUX_ABI } from "../../src/ffi/abi.ts";
import { libraryCandidates, openLibrary, PcscLibraryError } from "../../src/ffi/library.ts";

Deno.test("PCSC_LIBRARY is tried first, then absolute paths, then the soname", () => {
  const before = Deno.env.get("PCSC_LIBRARY");
  Deno.env.set("PCSC_LIBRARY", "/opt/pcsc/libpcsclite.so.1");
  try {
    const tried = libraryCandidates(LINUX_ABI);
    assert.equal(tried[0], "/opt/pcsc/libpcsclite.so.1");
    const soname = tried.indexOf("libpcsclite.so.1");
    assert.equal(soname, tried.length - 1);
    assert.ok(tried.slice(1, -1).every((path) => path.startsWith("/")));
  } finally {
    if (before === undefined) Deno.env.delete("PCSC_LIBRARY");
    else Deno.env.set("PCSC_LIBRARY", before);
  }
});

Deno.test("when nothing loads, the error lists what was tried and what to install", () => {
  const abi = { ...LINUX_ABI, libraryCandidates: ["/nonexistent/libpcsclite.so.1"] };
  assert.throws(() => openLibrary(abi), (e: unknown) => {
    assert.ok(e instanceof PcscLibraryError);
    assert.ok(e.tried.includes("/nonexistent/libpcsclite.so.1"));
    assert.match(e.message, /Tried:\n {2}\/nonexistent\/libpcsclite\.so\.1: /);
    assert.match(e.message, /Set PCSC_LIBRARY to its path, or install pcsc-lite/);
    return true;
  });
});

Deno.test("without --allow-ffi, the error names the flag", async () => {
  const script = `
    import { readers } from "${new URL("../../mod.ts", import.meta.url)}";
    try { readers(); } catch (e) { console.log(e.name + ": " + e.message); }
  `;
  // deno eval would grant every permission: run a file with none
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  const out = new TextDecoder().decode(child.stdout);
  assert.match(out, /^PcscLibraryError: .*FFI is not permitted\. Run with --allow-ffi/m);
});
