// Arguments refused before any native call: short commands, and how values are described.
import assert from "node:assert/strict";
import { type Bytes, CardConnection, Reader, toBytes } from "../../mod.ts";
import type { SyncOrAsync } from "../../src/pcsc/card_handle.ts";

/** A connection with no native side: it records every call that would reach one. */
class RecordingConnection extends CardConnection {
  readonly calls: string[] = [];

  constructor() {
    super(new Reader("Reader A"));
  }

  // the calls as the blocking/non-blocking pairs they were before the hooks took `blocking`
  #record(blocking: boolean, hook: string, detail = ""): void {
    this.calls.push(`${hook}${blocking ? "Sync" : ""}${detail}`);
  }

  get connected(): boolean {
    return true;
  }
  protected doConnect(blocking: boolean): SyncOrAsync<void> {
    this.#record(blocking, "doConnect");
  }
  protected doReconnect(blocking: boolean): SyncOrAsync<void> {
    this.#record(blocking, "doReconnect");
  }
  protected doDisconnect(): void {
    this.calls.push("doDisconnect");
  }
  protected doRelease(): void {
    this.calls.push("doRelease");
  }
  protected doTransmit(blocking: boolean, command: Bytes): SyncOrAsync<number[]> {
    this.#record(blocking, "doTransmit", ` ${command.length}`);
    return blocking ? [0x90, 0x00] : Promise.resolve([0x90, 0x00]);
  }
  protected doControl(blocking: boolean): SyncOrAsync<number[]> {
    this.#record(blocking, "doControl");
    return [];
  }
  protected doGetAttrib(blocking: boolean): SyncOrAsync<number[]> {
    this.#record(blocking, "doGetAttrib");
    return [];
  }
  protected assertUsable(what: string): void {
    this.calls.push(`assertUsable ${what}`);
  }
  getATR(): number[] {
    return [];
  }
}

Deno.test("a command shorter than CLA INS P1 P2 is a RangeError before any native call", async () => {
  const connection = new RecordingConnection();
  const cases: [Bytes, RegExp][] = [
    [[], /^command is empty: an APDU has at least 4 bytes \(CLA INS P1 P2\)$/],
    [[0x00], /^command is 1 byte long: an APDU has at least 4 bytes/],
    [[0x00, 0xA4], /^command is 2 bytes long: /],
    [new Uint8Array([0x00, 0xA4, 0x04]), /^command is 3 bytes long: /],
  ];
  for (const [command, message] of cases) {
    await assert.rejects(connection.transmit(command), { name: "RangeError", message });
    assert.throws(() => connection.transmitSync(command), { name: "RangeError", message });
  }
  assert.deepEqual(connection.calls, []);
  // four bytes (case 1) are enough
  assert.deepEqual(await connection.transmit([0x00, 0xA4, 0x04, 0x00]), [[], 0x90, 0x00]);
  assert.deepEqual(connection.transmitSync(new Uint8Array(4)), [[], 0x90, 0x00]);
  assert.deepEqual(connection.calls, [
    "assertUsable transmit",
    "doTransmit 4",
    "assertUsable transmitSync",
    "doTransmitSync 4",
  ]);
});

Deno.test("a bad byte is reported before the length", async () => {
  const connection = new RecordingConnection();
  await assert.rejects(connection.transmit([0, 256]), {
    name: "RangeError",
    message: /command\[1\]/,
  });
  assert.deepEqual(connection.calls, []);
});

Deno.test("error messages describe values with a or an as the word needs", () => {
  const connection = new RecordingConnection();
  assert.throws(() => connection.transmitSync({} as unknown as number[]), {
    name: "TypeError",
    message: "command must be an array of bytes (number[] or Uint8Array), not an Object",
  });
  assert.throws(() => connection.transmitSync(Object.create(null)), {
    name: "TypeError",
    message: /, not an object$/,
  });
  assert.throws(() => connection.transmitSync(new Map() as unknown as number[]), {
    name: "TypeError",
    message: /, not a Map$/,
  });
  assert.throws(() => toBytes(new Int8Array(1) as unknown as string), {
    name: "TypeError",
    message: /got an Int8Array$/,
  });
});
