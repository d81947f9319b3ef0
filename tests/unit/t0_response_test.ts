// T=0's follow-up commands, built as ISO 7816-4 says.
import assert from "node:assert/strict";
import { CardConnection } from "../../mod.ts";
import { getResponse, withLe } from "../../src/smartcard/connection/t0_response.ts";

Deno.test("GET RESPONSE keeps the interindustry channel and drops secure messaging", () => {
  assert.deepEqual(getResponse(0x00, 0x10), [0x00, 0xC0, 0x00, 0x00, 0x10]);
  assert.deepEqual(getResponse(0x03, 0x10)[0], 0x03);
  assert.deepEqual(getResponse(0x0C, 0x10)[0], 0x00);
  assert.deepEqual(getResponse(0x0F, 0x10)[0], 0x03);
  // further interindustry: SM is b6, the channel b4-b1
  assert.deepEqual(getResponse(0x65, 0x10)[0], 0x45);
  // proprietary: the interindustry GET RESPONSE on the same basic channel bits
  assert.deepEqual(getResponse(0x80, 0x10)[0], 0x00);
  assert.deepEqual(getResponse(0x81, 0x10)[0], 0x01);
});

Deno.test("the command again with Le: replaced where it has one, appended where not", () => {
  assert.deepEqual(withLe([0x00, 0xB0, 0x00, 0x00, 0x00], 8), [0x00, 0xB0, 0x00, 0x00, 8]);
  assert.deepEqual(withLe([0x00, 0xB0, 0x00, 0x00], 8), [0x00, 0xB0, 0x00, 0x00, 8]);
  // case 3 (Lc 2, no Le) gets one; case 4 has its Le replaced
  assert.deepEqual(withLe([0x00, 0x2A, 0, 0, 2, 0xAA, 0xBB], 9), [
    0x00,
    0x2A,
    0,
    0,
    2,
    0xAA,
    0xBB,
    9,
  ]);
  assert.deepEqual(withLe([0x00, 0x2A, 0, 0, 2, 0xAA, 0xBB, 0], 9), [
    0x00,
    0x2A,
    0,
    0,
    2,
    0xAA,
    0xBB,
    9,
  ]);
});

Deno.test("setT0ResponseHandling checks what it is given", () => {
  // the checks come before the connection's state is touched: no native side is needed
  const connection = Object.create(CardConnection.prototype) as CardConnection;
  assert.throws(() => connection.setT0ResponseHandling({ maxRounds: 0 }), RangeError);
  assert.throws(
    () => connection.setT0ResponseHandling("yes" as unknown as boolean),
    TypeError,
  );
});
