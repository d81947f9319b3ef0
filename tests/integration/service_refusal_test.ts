/**
 * A pcscd that refuses its clients: pcsc-lite 2.x asking polkit where no D-Bus system bus runs,
 * as a system's pcscd does in a container or on CI. The error must say why and what to do.
 */

import assert from "node:assert/strict";
import { readers, SmartcardException } from "../../mod.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { pcscdHasPolkit } from "../../src/testing/polkit.ts";

const { stack, skipped, unavailable } = await stackFixture();

// With a system bus, polkit could answer either way; only its absence makes the refusal certain.
const busy = await Deno.stat("/run/dbus/system_bus_socket").then(() => true, () => false);
const polkit = !skipped && await pcscdHasPolkit();
const why = skipped
  ? unavailable
  : !polkit
  ? "this pcscd has no polkit (pcsc-lite 1.x): nothing refuses a client"
  : busy
  ? "a D-Bus system bus runs here, so polkit may let this client in"
  : undefined;
if (why !== undefined && !skipped) console.log(`polkit refusal test skipped: ${why}`);

Deno.test({
  name: "pcscd with polkit and no D-Bus refuses the client; the error names polkit and its way out",
  ignore: why !== undefined,
  fn: async () => {
    if (skipped) return;
    await stack.restart({ polkit: true });
    try {
      assert.throws(() => readers(), (e: unknown) => {
        assert.ok(e instanceof SmartcardException);
        assert.equal(e.hresult, 0x8010006A);
        assert.match(e.message, /^Failed to establish context: Access denied\. \(0x8010006A\)/);
        assert.match(e.message, /refused this client/);
        assert.match(e.message, /org\.debian\.pcsc-lite\.access_pcsc/);
        assert.match(e.message, /--disable-polkit/);
        return true;
      });
      const log = await Deno.readTextFile(stack.logPath);
      assert.match(log, /Rejected unauthorized PC\/SC client/);
    } finally {
      await stack.restart();
    }
  },
});
