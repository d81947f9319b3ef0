// The Web Smart Card API's errors: SmartCardError, the spec's mapping of PC/SC codes, and
// what the layers below throw besides.
import assert from "node:assert/strict";
import { LINUX_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { PcscLibraryError } from "../../src/ffi/library.ts";
import type { NativePcsc } from "../../src/ffi/native.ts";
import { PcscError } from "../../src/ffi/pcsc_error.ts";
import { CardHandleRefusal } from "../../src/pcsc/card_handle.ts";
import { platformConstants } from "../../src/pcsc/platform_constants.ts";
import { asWebError, correspondingException } from "../../src/web/corresponding_exception.ts";
import { SmartCardError } from "../../src/web/smart_card_error.ts";

const LINUX = platformConstants({ abi: LINUX_ABI } as NativePcsc);
const WINDOWS = platformConstants({ abi: WINDOWS_ABI } as NativePcsc);

Deno.test("each PC/SC code the enum names becomes a SmartCardError with its responseCode", () => {
  const named: [number, string][] = [
    [0x8010001D, "no-service"],
    [0x8010000C, "no-smartcard"],
    [0x80100010, "not-ready"],
    [0x80100016, "not-transacted"],
    [0x8010000F, "proto-mismatch"],
    [0x80100017, "reader-unavailable"],
    [0x80100069, "removed-card"],
    [0x80100068, "reset-card"],
    [0x80100031, "server-too-busy"],
    [0x8010000B, "sharing-violation"],
    [0x80100012, "system-cancelled"],
    [0x80100009, "unknown-reader"],
    [0x80100067, "unpowered-card"],
    [0x80100066, "unresponsive-card"],
    [0x80100065, "unsupported-card"],
    [0x8010001F, "unsupported-feature"],
  ];
  for (const [code, responseCode] of named) {
    const e = correspondingException(code, LINUX, "SCardTransmit");
    assert.ok(e instanceof SmartCardError, `0x${code.toString(16)}`);
    assert.ok(e instanceof DOMException);
    assert.equal(e.name, "SmartCardError");
    assert.equal(e.responseCode, responseCode);
  }
  assert.equal(
    correspondingException(0x8010000B, LINUX, "SCardConnect").message,
    "SCardConnect: Sharing violation. (0x8010000B)",
  );
});

Deno.test("feature not supported is the platform's code: 0x80100022 on Windows", () => {
  const windows = correspondingException(0x80100022, WINDOWS);
  assert.ok(windows instanceof SmartCardError);
  assert.equal(windows.responseCode, "unsupported-feature");
  // on Windows 0x8010001F is SCARD_E_UNEXPECTED, which the enum does not name
  assert.equal(correspondingException(0x8010001F, WINDOWS).name, "UnknownError");
});

Deno.test("the other codes: TypeError, InvalidStateError, AbortError, TimeoutError, UnknownError", () => {
  const invalidParameter = correspondingException(0x80100004, LINUX);
  assert.ok(invalidParameter instanceof TypeError);
  const names: [number, string][] = [
    [0x80100003, "InvalidStateError"], // invalid handle
    [0x8010001E, "InvalidStateError"], // service stopped
    [0x80100018, "AbortError"], // SCARD_P_SHUTDOWN
    [0x8010000A, "TimeoutError"], // a time-out: Chrome's name, not the spec text's UnknownError
    [0x80100002, "UnknownError"], // cancelled
    [0x80100001, "UnknownError"], // internal error
    [0x80100013, "UnknownError"], // RPC transport error (pcscd died)
  ];
  for (const [code, name] of names) {
    const e = correspondingException(code, LINUX);
    assert.ok(e instanceof DOMException && !(e instanceof SmartCardError), name);
    assert.equal(e.name, name);
  }
});

Deno.test("what else the layers below throw: library errors, refusals; the cause is kept", () => {
  const pcsc = new PcscError("SCardStatus", 0x80100069, LINUX_ABI);
  const mapped = asWebError(pcsc, LINUX) as SmartCardError;
  assert.equal(mapped.responseCode, "removed-card");
  assert.equal(mapped.cause, pcsc);
  const denied = new PcscLibraryError("FFI is not permitted", [], {
    cause: new Deno.errors.NotCapable("Requires ffi access"),
  });
  assert.equal((asWebError(denied, LINUX) as DOMException).name, "SecurityError");
  const missing = asWebError(new PcscLibraryError("Cannot open the PC/SC library", []), LINUX);
  assert.ok(missing instanceof SmartCardError);
  assert.equal(missing.responseCode, "no-service");
  const refusal = asWebError(new CardHandleRefusal("released"), LINUX) as DOMException;
  assert.equal(refusal.name, "InvalidStateError");
  const own = new TypeError("mine");
  assert.equal(asWebError(own, LINUX), own);
});

Deno.test("new SmartCardError(message, { responseCode }) checks the code as WebIDL would", () => {
  const e = new SmartCardError("no card", { responseCode: "no-smartcard" });
  assert.equal(e.message, "no card");
  assert.equal(e.name, "SmartCardError");
  assert.equal(e.responseCode, "no-smartcard");
  assert.equal(new SmartCardError(undefined, { responseCode: "no-service" }).message, "");
  assert.throws(() => new SmartCardError("x", { responseCode: "on-fire" as never }), TypeError);
  assert.throws(() => new SmartCardError("x", {} as never), TypeError);
  assert.throws(() => new SmartCardError("x", undefined as never), TypeError);
  // a read-only attribute
  assert.throws(() => {
    (e as { responseCode: string }).responseCode = "no-service";
  }, TypeError);
});
