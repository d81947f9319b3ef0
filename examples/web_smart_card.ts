/**
 * The Web Smart Card API as a browser developer writes it: wait for a card with
 * `getStatusChange`, connect, ask the card for a challenge. Only the import is Deno's: it
 * installs `navigator.smartCard` and gives it its type.
 *
 * `deno run --allow-ffi examples/web_smart_card.ts`
 *
 * @module
 */

import "../src/web/global.ts";

const hex = (bytes: Uint8Array): string =>
  [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");

const context = await navigator.smartCard.establishContext();
const readers = await context.listReaders();
if (readers.length === 0) {
  console.log("No smart card reader.");
} else {
  // Where is a card? "unaware" asks for each reader's state as it is now.
  let states = await context.getStatusChange(
    readers.map((readerName) => ({ readerName, currentState: { unaware: true } })),
  );
  let reader = states.find((state) => state.eventState.present)?.readerName;
  // Give up after a minute.
  const signal = AbortSignal.timeout(60_000);
  while (reader === undefined) {
    console.log("Waiting for a card...");
    states = await context.getStatusChange(
      states.map((state) => ({
        readerName: state.readerName,
        currentState: state.eventState,
        currentCount: state.eventCount,
      })),
      { signal },
    );
    reader = states.find((state) => state.eventState.present)?.readerName;
  }
  console.log(`Card in ${reader}`);

  const { connection, activeProtocol } = await context.connect(reader, "shared", {
    preferredProtocols: ["t0", "t1"],
  });
  console.log(`Connected with protocol ${activeProtocol}`);
  const status = await connection.status();
  console.log(`ATR: ${hex(new Uint8Array(status.answerToReset ?? new ArrayBuffer(0)))}`);

  // GET CHALLENGE, 8 bytes
  const response = new Uint8Array(
    await connection.transmit(new Uint8Array([0x00, 0x84, 0x00, 0x00, 0x08])),
  );
  console.log(`Challenge: ${hex(response.subarray(0, -2))}`);
  console.log(`SW: ${hex(response.subarray(-2))}`);
  await connection.disconnect("leave");
}
