// The platform layouts, checked against the facts table (written out here independently of
// src/ffi/abi.ts) by encoding with each ABI description on this machine.
import assert from "node:assert/strict";
import { type Abi, LINUX_ABI, MACOS_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { decodeIoRequest, encodeIoRequest } from "../../src/ffi/io_request.ts";
import { ReaderStateArray } from "../../src/ffi/reader_state_array.ts";
import { describeReturnCode, returnCodeName } from "../../src/ffi/abi.ts";

interface Expected {
  abi: Abi;
  offsets: [number, number, number, number, number, number];
  atrBytes: number;
  stride: number;
  ioRequest: number;
  dword: number;
  handle: number;
}

const PLATFORMS: Record<string, Expected> = {
  "Linux pcsc-lite": {
    abi: LINUX_ABI,
    offsets: [0, 8, 16, 24, 32, 40],
    atrBytes: 33,
    stride: 80,
    ioRequest: 16,
    dword: 8,
    handle: 8,
  },
  "macOS PCSC.framework": {
    abi: MACOS_ABI,
    offsets: [0, 8, 16, 20, 24, 28],
    atrBytes: 33,
    stride: 61,
    ioRequest: 8,
    dword: 4,
    handle: 4,
  },
  "Windows winscard": {
    abi: WINDOWS_ABI,
    offsets: [0, 8, 16, 20, 24, 28],
    atrBytes: 36,
    stride: 64,
    ioRequest: 8,
    dword: 4,
    handle: 8,
  },
};

function u(bytes: Uint8Array, offset: number, size: number): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return size === 4 ? view.getUint32(offset, true) : Number(view.getBigUint64(offset, true));
}

for (const [platform, x] of Object.entries(PLATFORMS)) {
  const { abi } = x;
  const [szReader, pvUserData, current, event, cbAtr, rgbAtr] = x.offsets;

  Deno.test(`${platform}: integer widths match the facts table`, () => {
    assert.equal(abi.dword.size, x.dword);
    assert.equal(abi.handle.size, x.handle);
    assert.equal(abi.ioRequestSize, x.ioRequest);
  });

  Deno.test(`${platform}: SCARD_READERSTATE offsets, ATR size and stride`, () => {
    const l = abi.readerState;
    assert.deepEqual(
      [l.szReader, l.pvUserData, l.dwCurrentState, l.dwEventState, l.cbAtr, l.rgbAtr],
      x.offsets,
    );
    assert.equal(l.atrCapacity, x.atrBytes);
    assert.equal(l.size, x.stride);
  });

  Deno.test(`${platform}: a two-element SCARD_READERSTATE array round-trips every field`, () => {
    const pointers = [0x1122334455n, 0x66778899aan];
    let next = 0;
    const states = new ReaderStateArray(abi, ["Reader A", "Reader B"], () => pointers[next++]);
    assert.equal(states.buffer.length, 2 * x.stride);
    const atrs = [
      [0x3B, 0x02, 0x14, 0x50],
      Array.from({ length: x.atrBytes }, (_, i) => (i * 7 + 1) & 0xFF),
    ];
    for (let i = 0; i < 2; i++) {
      states.setCurrentState(i, 0x0001_0022 + i);
      states.setEventState(i, 0x0003_0122 + i);
      states.setAtr(i, atrs[i]);
    }
    for (let i = 0; i < 2; i++) {
      const base = i * x.stride;
      // the raw bytes sit where the C compiler puts them
      assert.equal(
        new DataView(states.buffer.buffer).getBigUint64(base + szReader, true),
        pointers[i],
      );
      assert.equal(u(states.buffer, base + pvUserData, 8), 0);
      assert.equal(u(states.buffer, base + current, x.dword), 0x0001_0022 + i);
      assert.equal(u(states.buffer, base + event, x.dword), 0x0003_0122 + i);
      assert.equal(u(states.buffer, base + cbAtr, x.dword), atrs[i].length);
      assert.deepEqual(
        Array.from(states.buffer.subarray(base + rgbAtr, base + rgbAtr + atrs[i].length)),
        atrs[i],
      );
      // and read back through the same description
      assert.equal(states.readerPointer(i), pointers[i]);
      assert.equal(states.currentState(i), 0x0001_0022 + i);
      assert.equal(states.eventState(i), 0x0003_0122 + i);
      assert.deepEqual(states.atr(i), atrs[i]);
    }
    // the second element's fields never spill into the first's
    assert.ok(rgbAtr + x.atrBytes <= x.stride);
  });

  Deno.test(`${platform}: an ATR longer than the field is refused`, () => {
    const states = new ReaderStateArray(abi, ["A"], () => 1);
    assert.throws(() => states.setAtr(0, new Array(x.atrBytes + 1).fill(0)), RangeError);
  });

  Deno.test(`${platform}: SCARD_IO_REQUEST holds the protocol and its own size`, () => {
    const bytes = encodeIoRequest(abi, 2);
    assert.equal(bytes.length, x.ioRequest);
    assert.equal(u(bytes, 0, x.dword), 2);
    assert.equal(u(bytes, x.dword, x.dword), x.ioRequest);
    assert.deepEqual(decodeIoRequest(abi, bytes), { protocol: 2, pciLength: x.ioRequest });
  });
}

Deno.test("symbol names: A suffix on Windows, SCardControl132 on macOS", () => {
  assert.equal(WINDOWS_ABI.symbols.SCardListReaders, "SCardListReadersA");
  assert.equal(WINDOWS_ABI.symbols.SCardConnect, "SCardConnectA");
  assert.equal(WINDOWS_ABI.symbols.SCardGetStatusChange, "SCardGetStatusChangeA");
  assert.equal(WINDOWS_ABI.symbols.SCardStatus, "SCardStatusA");
  assert.equal(WINDOWS_ABI.symbols.SCardListReaderGroups, "SCardListReaderGroupsA");
  assert.equal(WINDOWS_ABI.symbols.SCardControl, "SCardControl");
  assert.equal(MACOS_ABI.symbols.SCardControl, "SCardControl132");
  assert.equal(MACOS_ABI.symbols.SCardConnect, "SCardConnect");
  assert.equal(LINUX_ABI.symbols.SCardControl, "SCardControl");
});

Deno.test("SCARD_PROTOCOL_RAW and SCARD_CTL_CODE differ on Windows", () => {
  assert.equal(LINUX_ABI.protocolRaw, 4);
  assert.equal(MACOS_ABI.protocolRaw, 4);
  assert.equal(WINDOWS_ABI.protocolRaw, 0x10000);
  assert.equal(LINUX_ABI.ctlCode(3400), 0x42000D48);
  assert.equal(MACOS_ABI.ctlCode(3400), 0x42000D48);
  assert.equal(WINDOWS_ABI.ctlCode(3400), 0x00313520);
});

Deno.test("only pcsc-lite keeps its service running without readers", () => {
  assert.equal(LINUX_ABI.serviceStopsWithoutReaders, false);
  assert.equal(MACOS_ABI.serviceStopsWithoutReaders, true);
  assert.equal(WINDOWS_ABI.serviceStopsWithoutReaders, true);
});

Deno.test("card state from SCardStatus is an ordinal only on Windows", () => {
  assert.equal(WINDOWS_ABI.cardStateOrdinal, true);
  assert.equal(LINUX_ABI.cardStateOrdinal, false);
  assert.equal(MACOS_ABI.cardStateOrdinal, false);
});

Deno.test("return codes read the same on every platform, 0x8010001F aside", () => {
  for (const abi of [LINUX_ABI, MACOS_ABI, WINDOWS_ABI]) {
    assert.equal(describeReturnCode(0x8010000B, abi), "Sharing violation. (0x8010000B)");
    assert.equal(returnCodeName(0x80100069, abi), "SCARD_W_REMOVED_CARD");
    assert.equal(describeReturnCode(0x8010ABCD, abi), "Unknown error: 0x8010ABCD (0x8010ABCD)");
  }
  assert.equal(returnCodeName(0x8010001F, LINUX_ABI), "SCARD_E_UNSUPPORTED_FEATURE");
  assert.equal(returnCodeName(0x8010001F, MACOS_ABI), "SCARD_E_UNSUPPORTED_FEATURE");
  assert.equal(returnCodeName(0x8010001F, WINDOWS_ABI), "SCARD_E_UNEXPECTED");
  assert.equal(returnCodeName(0x80100022, WINDOWS_ABI), "SCARD_E_UNSUPPORTED_FEATURE");
});
