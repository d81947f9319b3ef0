// Finding the PC/SC library: what is tried, in which order, and what the error says.
import assert from "node:assert/strict";
import { LINUX_ABI } from "../../src/ffi/abi.ts";
import { libraryCandidates, openLibrary, PcscLibraryError } from "../../src/ffi/library.ts";

/** Runs `fn` with PCSC_LIBRARY set to `value` (or unset), then restores it. */
function withPcscLibrary<T>(value: string | undefined, fn: () => T): T {
  const before = Deno.env.get("PCSC_LIBRARY");
  if (value === undefined) Deno.env.delete("PCSC_LIBRARY");
  else Deno.env.set("PCSC_LIBRARY", value);
  try {
    return fn();
  } finally {
    if (before === undefined) Deno.env.delete("PCSC_LIBRARY");
    else Deno.env.set("PCSC_LIBRARY", before);
  }
}

Deno.test("PCSC_LIBRARY alone is tried when set; else absolute paths, then the soname", () => {
  withPcscLibrary("/opt/pcsc/libpcsclite.so.1", () => {
    assert.deepEqual(libraryCandidates(LINUX_ABI), ["/opt/pcsc/libpcsclite.so.1"]);
  });
  withPcscLibrary(undefined, () => {
    const tried = libraryCandidates(LINUX_ABI);
    const soname = tried.indexOf("libpcsclite.so.1");
    assert.equal(soname, tried.length - 1);
    assert.ok(tried.length > 1);
    assert.ok(tried.slice(0, -1).every((path) => path.startsWith("/")));
  });
});

Deno.test("a PCSC_LIBRARY that does not load is an error naming it, with no fallback", () => {
  const wrong = "/nonexistent/libpcsclite-override.so.1";
  // the platform's candidates would load here (or fail with "Tried:"): neither may happen
  withPcscLibrary(wrong, () => {
    assert.throws(() => openLibrary(LINUX_ABI), (e: unknown) => {
      assert.ok(e instanceof PcscLibraryError);
      assert.deepEqual(e.tried, [wrong]);
      assert.match(
        e.message,
        /^PCSC_LIBRARY=\/nonexistent\/libpcsclite-override\.so\.1 could not be loaded: \S/,
      );
      assert.match(e.message, /unset it to use the system's/);
      assert.doesNotMatch(e.message, /Tried:/);
      assert.ok(e.cause instanceof Error);
      return true;
    });
  });
});

Deno.test("when nothing loads, the error lists what was tried and what to install", () => {
  const abi = { ...LINUX_ABI, libraryCandidates: ["/nonexistent/libpcsclite.so.1"] };
  assert.throws(() => withPcscLibrary(undefined, () => openLibrary(abi)), (e: unknown) => {
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
