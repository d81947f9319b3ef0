// navigator.smartCard in Deno: install() and the global module.
import assert from "node:assert/strict";
import { install, smartCard, SmartCardResourceManager } from "../../src/web/mod.ts";

Deno.test("install puts one resource manager on a navigator, read-only, and keeps one there", () => {
  const fake = {};
  const installed = install(fake);
  assert.equal(installed, smartCard);
  assert.ok(installed instanceof SmartCardResourceManager);
  assert.equal((fake as { smartCard: unknown }).smartCard, smartCard, "[SameObject]");
  assert.throws(() => {
    (fake as { smartCard: unknown }).smartCard = null;
  }, TypeError);
  const other = { smartCard: "already" };
  assert.equal(install(other), "already" as never, "an existing smartCard stays");
});

Deno.test("importing src/web/global.ts gives navigator.smartCard", async () => {
  // no global type augmentation (JSR refuses one): the test reads it as browser code would
  const current = () =>
    (navigator as Navigator & { readonly smartCard?: SmartCardResourceManager }).smartCard;
  assert.equal(current(), undefined, "not there before the import");
  await import("../../src/web/global.ts");
  assert.equal(current(), smartCard);
  assert.equal(typeof current()?.establishContext, "function");
  // importing it again changes nothing
  await import("../../src/web/global.ts");
  assert.equal(current(), smartCard);
});
