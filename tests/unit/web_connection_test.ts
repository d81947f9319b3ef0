// The Web Smart Card API's connections on the scripted PC/SC: transmit, status, control,
// attributes and disconnect, with WebIDL's argument checks and the spec's error mapping.
import assert from "node:assert/strict";
import {
  SCARD_ABSENT,
  SCARD_NEGOTIABLE,
  SCARD_POWERED,
  SCARD_PRESENT,
  SCARD_SPECIFIC,
  SCARD_SWALLOWED,
} from "../../src/pcsc/card_state.ts";
import {
  SCARD_EJECT_CARD,
  SCARD_LEAVE_CARD,
  SCARD_RESET_CARD,
  SCARD_UNPOWER_CARD,
} from "../../src/pcsc/share_and_disposition.ts";
import { SCARD_PROTOCOL_T0, SCARD_PROTOCOL_T1 } from "../../src/pcsc/protocols.ts";
import {
  SCARD_E_INVALID_HANDLE,
  SCARD_E_INVALID_PARAMETER,
  SCARD_W_REMOVED_CARD,
} from "../../src/ffi/error_codes.ts";
import { connectionState } from "../../src/web/connection_state.ts";
import { SmartCardError } from "../../src/web/smart_card_error.ts";
import { createResourceManager } from "../../src/web/smart_card_resource_manager.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";
import { LINUX_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { platformConstants } from "../../src/pcsc/platform_constants.ts";
import type { NativePcsc } from "../../src/ffi/native.ts";

const A = "Reader A";
const ATR = [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6];

async function connected(protocols: ("t0" | "t1" | "raw")[] = ["t0", "t1"]) {
  const pcsc = new ScriptedPcsc();
  pcsc.plug(A, ATR);
  const context = await createResourceManager(pcsc).establishContext();
  const { connection } = await context.connect(A, "shared", { preferredProtocols: protocols });
  return { pcsc, context, connection };
}

const isName = (name: string) => (e: unknown) => {
  assert.ok(e instanceof DOMException, `expected a DOMException, got ${e}`);
  assert.equal(e.name, name);
  return true;
};
const isSmartCardError = (code: string) => (e: unknown) => {
  assert.ok(e instanceof SmartCardError, `expected a SmartCardError, got ${e}`);
  assert.equal(e.responseCode, code);
  return true;
};
const bytes = (buffer: ArrayBuffer) => [...new Uint8Array(buffer)];
const last = (pcsc: ScriptedPcsc, call: string) =>
  pcsc.calls.filter((c) => c.call === call).at(-1)!;

Deno.test("transmit sends a copy of the bytes with the active protocol; the response is an ArrayBuffer", async () => {
  const { pcsc, connection } = await connected();
  pcsc.answer = (apdu) => [...apdu.subarray(4), 0x90, 0x00];
  const command = new Uint8Array([0x00, 0x40, 0x00, 0x00, 0x02, 0xAA, 0xBB]);
  const pending = connection.transmit(command);
  command[5] = 0x11; // changed after the call: the card sees what was passed
  const response = await pending;
  assert.ok(response instanceof ArrayBuffer);
  assert.deepEqual(bytes(response), [0x02, 0xAA, 0xBB, 0x90, 0x00]);
  assert.equal(last(pcsc, "SCardTransmit").protocols, SCARD_PROTOCOL_T1);
});

Deno.test("transmit takes every BufferSource: ArrayBuffer, typed arrays and DataView at an offset", async () => {
  const { pcsc, connection } = await connected();
  const backing = new Uint8Array([9, 9, 0x00, 0x10, 0x00, 0x00, 9]);
  for (
    const source of [
      backing.buffer.slice(2, 6),
      backing.subarray(2, 6),
      new DataView(backing.buffer, 2, 4),
      new Uint16Array(backing.buffer.slice(2, 6)),
    ]
  ) {
    await connection.transmit(source);
    assert.deepEqual(last(pcsc, "SCardTransmit").bytes, [0x00, 0x10, 0x00, 0x00]);
  }
  const refused = [
    [0, 0x10, 0, 0],
    "00100000",
    new SharedArrayBuffer(4),
    new ArrayBuffer(4, { maxByteLength: 8 }),
    null,
  ];
  for (const source of refused) {
    await assert.rejects(connection.transmit(source as never), TypeError);
  }
  await assert.rejects(
    connection.transmit(new Uint8Array(4), { protocol: "t2" as never }),
    TypeError,
  );
});

Deno.test("transmit receives an extended response: 65,538 bytes", async () => {
  const { pcsc, connection } = await connected();
  const data = Array.from({ length: 65536 }, (_, i) => i & 0xFF);
  pcsc.answer = () => [...data, 0x90, 0x00];
  const response = await connection.transmit(
    new Uint8Array([0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00]),
  );
  assert.equal(response.byteLength, 65538);
  assert.deepEqual(bytes(response).slice(-4), [0xFE, 0xFF, 0x90, 0x00]);
});

Deno.test("transmit's protocol option picks the PCI; a connection without a protocol cannot transmit", async () => {
  const { pcsc, context, connection } = await connected(["t0", "t1"]);
  // the card runs T=1: T=0 is the service's protocol mismatch
  await assert.rejects(
    connection.transmit(new Uint8Array(4), { protocol: "t0" }),
    isSmartCardError("proto-mismatch"),
  );
  assert.equal(last(pcsc, "SCardTransmit").protocols, SCARD_PROTOCOL_T0);
  await connection.disconnect();
  const { connection: direct } = await context.connect(A, "direct");
  await assert.rejects(direct.transmit(new Uint8Array(4)), isName("InvalidStateError"));
  assert.equal(pcsc.count("SCardTransmit"), 1, "refused before PC/SC");
  // an explicit protocol makes it valid
  await assert.rejects(
    direct.transmit(new Uint8Array(4), { protocol: "t1" }),
    isSmartCardError("proto-mismatch"),
  );
});

Deno.test("status: the reader, the state (most specific that holds), the ATR", async () => {
  const { pcsc, connection } = await connected();
  assert.deepEqual(await connection.status(), {
    readerName: A,
    state: "negotiable",
    answerToReset: Uint8Array.from(ATR).buffer,
  });
  pcsc.setCardState(A, SCARD_PRESENT | SCARD_POWERED | SCARD_SPECIFIC);
  assert.equal((await connection.status()).state, "t1");
  pcsc.setCardState(A, 0);
  await assert.rejects(connection.status(), isName("UnknownError"));
});

Deno.test("pcsc-lite's bit mask maps to the most specific state; winscard's single bits as the spec says", () => {
  const linux = platformConstants({ abi: LINUX_ABI } as NativePcsc);
  const windows = platformConstants({ abi: WINDOWS_ABI } as NativePcsc);
  const cases: [number, number, string | undefined][] = [
    [SCARD_ABSENT, 0, "absent"],
    [SCARD_PRESENT, 0, "present"],
    [SCARD_PRESENT | SCARD_SWALLOWED, 0, "swallowed"],
    [SCARD_PRESENT | SCARD_SWALLOWED | SCARD_POWERED, 0, "powered"],
    [SCARD_PRESENT | SCARD_POWERED | SCARD_NEGOTIABLE, SCARD_PROTOCOL_T1, "negotiable"],
    [SCARD_PRESENT | SCARD_POWERED | SCARD_SPECIFIC, SCARD_PROTOCOL_T0, "t0"],
    [SCARD_SPECIFIC, SCARD_PROTOCOL_T1, "t1"],
    [SCARD_SPECIFIC, LINUX_ABI.protocolRaw, "raw"],
    // specific without a protocol it names: the next state that holds
    [SCARD_SPECIFIC | SCARD_POWERED, 0, "powered"],
    [SCARD_SPECIFIC, 0, undefined],
    [0, 0, undefined],
  ];
  for (const [state, protocol, expected] of cases) {
    assert.equal(
      connectionState(state, protocol, linux),
      expected,
      `state 0x${state.toString(16)}`,
    );
  }
  assert.equal(connectionState(SCARD_SPECIFIC, WINDOWS_ABI.protocolRaw, windows), "raw");
  assert.equal(connectionState(SCARD_SPECIFIC, LINUX_ABI.protocolRaw, windows), undefined);
});

Deno.test("control passes the code as given and a copy of the data; [EnforceRange] on the code", async () => {
  const { pcsc, connection } = await connected();
  pcsc.controlAnswer = (code, data) => [code & 0xFF, ...data];
  const answer = await connection.control(0x42000D48, new Uint8Array([1, 2]));
  assert.deepEqual(bytes(answer), [0x48, 1, 2]);
  assert.equal(last(pcsc, "SCardControl").code, 0x42000D48);
  await connection.control(7.9, new Uint8Array());
  assert.equal(last(pcsc, "SCardControl").code, 7, "truncated, as WebIDL does");
  const before = pcsc.count("SCardControl");
  for (const code of [-1, 2 ** 32, NaN, Infinity, "x", 10n, Symbol()]) {
    await assert.rejects(connection.control(code as never, new Uint8Array()), TypeError);
  }
  await assert.rejects(connection.control(1, [1, 2] as never), TypeError);
  assert.equal(pcsc.count("SCardControl"), before);
  pcsc.failNext("SCardControl", pcsc.abi.unsupportedFeature);
  await assert.rejects(
    connection.control(1, new Uint8Array()),
    isSmartCardError("unsupported-feature"),
  );
});

Deno.test("getAttribute and setAttribute reach the reader's attributes; [EnforceRange] on the tag", async () => {
  const { pcsc, connection } = await connected();
  pcsc.setAttribute(A, 0x0303, ATR);
  assert.deepEqual(bytes(await connection.getAttribute(0x0303)), ATR);
  await connection.setAttribute(0x7FFF0007, new Uint8Array([1]));
  assert.deepEqual(pcsc.attribute(A, 0x7FFF0007), [1]);
  assert.deepEqual(bytes(await connection.getAttribute(0x7FFF0007)), [1]);
  await assert.rejects(
    connection.getAttribute(0x00010100),
    isSmartCardError("unsupported-feature"),
  );
  await assert.rejects(connection.getAttribute(-1), TypeError);
  await assert.rejects(connection.setAttribute(2 ** 32, new Uint8Array()), TypeError);
  await assert.rejects(connection.setAttribute(1, "x" as never), TypeError);
});

Deno.test("disconnect: each disposition is PC/SC's, leave by default; afterwards everything is InvalidStateError", async () => {
  const dispositions = [
    [undefined, SCARD_LEAVE_CARD],
    ["leave", SCARD_LEAVE_CARD],
    ["reset", SCARD_RESET_CARD],
    ["unpower", SCARD_UNPOWER_CARD],
    ["eject", SCARD_EJECT_CARD],
  ] as const;
  for (const [disposition, code] of dispositions) {
    const { pcsc, connection } = await connected();
    const live = pcsc.liveContexts;
    await connection.disconnect(disposition);
    assert.equal(last(pcsc, "SCardDisconnect").disposition, code);
    assert.equal(pcsc.liveCards, 0);
    assert.equal(pcsc.liveContexts, live - 1, "the connection's context is freed");
  }
  const { pcsc, connection } = await connected();
  await assert.rejects(connection.disconnect("later" as never), TypeError);
  await connection.disconnect();
  for (
    const call of [
      connection.disconnect(),
      connection.transmit(new Uint8Array(4)),
      connection.status(),
      connection.control(1, new Uint8Array()),
      connection.getAttribute(1),
      connection.setAttribute(1, new Uint8Array()),
      connection.startTransaction(() => Promise.resolve(undefined)),
    ]
  ) {
    await assert.rejects(call, isName("InvalidStateError"));
  }
  assert.equal(pcsc.count("SCardDisconnect"), 1);
});

Deno.test("a failed call maps its code: the card's removal, an invalid parameter, an invalid handle", async () => {
  const { pcsc, connection } = await connected();
  pcsc.failNext("SCardTransmit", SCARD_E_INVALID_PARAMETER);
  await assert.rejects(connection.transmit(new Uint8Array(4)), (e: unknown) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, /^SCardTransmit: Invalid parameter given\. \(0x80100004\)$/);
    return true;
  });
  pcsc.failNext("SCardStatus", SCARD_E_INVALID_HANDLE);
  await assert.rejects(connection.status(), isName("InvalidStateError"));
  pcsc.failNext("SCardGetAttrib", SCARD_W_REMOVED_CARD);
  await assert.rejects(connection.getAttribute(1), isSmartCardError("removed-card"));
  pcsc.remove(A);
  await assert.rejects(connection.transmit(new Uint8Array(4)), isSmartCardError("removed-card"));
  // after a failure the context takes the next call
  await assert.rejects(connection.status(), isSmartCardError("removed-card"));
});

Deno.test("connections are made by connect only: the constructors are illegal, as in a browser", async () => {
  const { SmartCardConnection } = await import("../../src/web/smart_card_connection.ts");
  const { SmartCardContext } = await import("../../src/web/smart_card_context.ts");
  const { SmartCardResourceManager } = await import("../../src/web/smart_card_resource_manager.ts");
  for (const Class of [SmartCardConnection, SmartCardContext, SmartCardResourceManager]) {
    assert.throws(() => new Class(), { name: "TypeError", message: "Illegal constructor" });
  }
});
