// readerStates(): every reader's decoded state in one look, on the scripted PC/SC.
import assert from "node:assert/strict";
import { LINUX_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { SCARD_E_NO_SERVICE } from "../../src/ffi/error_codes.ts";
import { PcscError, readerStates } from "../../mod.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";

const ATR = [0x3B, 0x02, 0x14, 0x50];

Deno.test("readerStates: each reader in the service's order, decoded, with its ATR and event count", async () => {
  const pcsc = new ScriptedPcsc();
  pcsc.plug("Reader A");
  pcsc.plug("Reader B", ATR);
  pcsc.insert("Reader A", ATR);
  pcsc.remove("Reader A"); // two events: the count says so where a look cannot
  const states = await readerStates({ pcsc });
  assert.ok(states !== null);
  assert.deepEqual(
    states.map((s) => [s.reader, s.present, s.empty, s.mute, s.atr, s.eventCount]),
    [["Reader A", false, true, false, [], 2], [
      "Reader B",
      true,
      false,
      false,
      ATR,
      0,
    ]],
  );
  assert.ok(!("restarted" in states[0]), "only the reader's state, not the watch's bookkeeping");
  assert.equal(pcsc.liveContexts, 0, "its context is released");
  assert.equal(pcsc.pendingWaits, 0, "no wait is left running");
});

Deno.test("readerStates: no service is the PcscError of SCardEstablishContext (pcsc-lite)", async () => {
  const pcsc = new ScriptedPcsc({ abi: LINUX_ABI });
  pcsc.stop(SCARD_E_NO_SERVICE);
  await assert.rejects(
    readerStates({ pcsc }),
    (error) => error instanceof PcscError && error.code === SCARD_E_NO_SERVICE,
  );
});

Deno.test("readerStates: null when the service stays away past the time-out (Windows)", async () => {
  const pcsc = new ScriptedPcsc({ abi: WINDOWS_ABI });
  pcsc.stop(SCARD_E_NO_SERVICE);
  assert.equal(await readerStates({ pcsc, timeoutMs: 50 }), null);
  assert.equal(pcsc.liveContexts, 0);
});
