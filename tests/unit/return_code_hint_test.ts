// What the errors say where a platform's service gives a code a cause of its own.
import assert from "node:assert/strict";
import { LINUX_ABI, MACOS_ABI, returnCodeHint, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { PcscError } from "../../src/ffi/pcsc_error.ts";
import { CardRequestException, SmartcardException } from "../../src/smartcard/errors/exceptions.ts";
import { asSmartcardError } from "../../src/smartcard/errors/pcsc_failure.ts";

const ACCESS_DENIED = 0x8010006A;

Deno.test("pcsc-lite's refusal of a client at SCardEstablishContext points to polkit", () => {
  const hint = returnCodeHint("SCardEstablishContext", ACCESS_DENIED, LINUX_ABI);
  assert.ok(hint !== null);
  assert.match(hint, /PC\/SC service \(pcscd\) refused this client/);
  assert.match(hint, /org\.debian\.pcsc-lite\.access_pcsc/);
  assert.match(hint, /--disable-polkit/);
});

Deno.test("the polkit hint is pcsc-lite's only, and only for establishing a context", () => {
  assert.equal(returnCodeHint("SCardEstablishContext", ACCESS_DENIED, WINDOWS_ABI), null);
  assert.equal(returnCodeHint("SCardEstablishContext", ACCESS_DENIED, MACOS_ABI), null);
  assert.equal(returnCodeHint("SCardConnect", ACCESS_DENIED, LINUX_ABI), null);
  assert.equal(returnCodeHint("SCardEstablishContext", 0x80100001, LINUX_ABI), null);
});

Deno.test("a refused context is an exception whose message gives the code and the polkit way out", () => {
  const native = new PcscError("SCardEstablishContext", ACCESS_DENIED, LINUX_ABI);
  const error = asSmartcardError(native, "Failed to establish context", CardRequestException);
  assert.ok(error instanceof CardRequestException);
  assert.equal(error.hresult, ACCESS_DENIED);
  assert.equal(error.cause, native);
  assert.match(
    error.message,
    /^Failed to establish context: Access denied\. \(0x8010006A\) The PC\/SC service \(pcscd\) refused this client: .*polkit.*--disable-polkit\.$/,
  );
});

Deno.test("no pcscd at all: the error says to start it", () => {
  const native = new PcscError("SCardEstablishContext", 0x8010001D, LINUX_ABI);
  const error = asSmartcardError(native, "Failed to establish context", SmartcardException);
  assert.ok(error instanceof SmartcardException);
  assert.match(
    error.message,
    /^Failed to establish context: Service not available\. \(0x8010001D\) No PC\/SC service \(pcscd\) answers\. Start it .*systemctl start pcscd\.socket/,
  );
});

Deno.test("where the service comes and goes with its readers, no service is no news", () => {
  assert.equal(returnCodeHint("SCardEstablishContext", 0x8010001D, WINDOWS_ABI), null);
  const native = new PcscError("SCardEstablishContext", 0x80100001, LINUX_ABI);
  const error = asSmartcardError(native, "Failed to establish context", SmartcardException);
  assert.ok(error instanceof SmartcardException);
  assert.equal(error.message, "Failed to establish context: Internal error. (0x80100001)");
});
