/**
 * Serves one virtual card to a vpcd reader, in a Worker: the tests' own event
 * loop is blocked inside every synchronous PC/SC call, so a card answering
 * from it would deadlock the reader.
 *
 * vpcd protocol: the card is the TCP client; every message is a 2-byte
 * big-endian length then the payload. A 1-byte payload is a control code
 * (00 power off, 01 power on, 02 reset, 04 get ATR: only the last one is
 * answered); a longer one is a command APDU, answered with the response APDU.
 *
 * @module
 */

/** Requests from {@link VirtualCard} to its worker. */
export type WorkerRequest =
  & { readonly id: number }
  & (
    | {
      readonly type: "insert";
      readonly host: string;
      readonly port: number;
      readonly atr: readonly number[];
      readonly behaviour: string;
    }
    | { readonly type: "remove" }
    | { readonly type: "log" }
  );

/** Messages from the worker: an answer to request `id`, or news of the link. */
export type WorkerMessage =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "failed"; readonly id: number; readonly message: string }
  | {
    readonly type: "log";
    readonly id: number;
    readonly apdus: number[][];
    readonly controls: number[];
  }
  /** The reader closed the link (daemon stopped, or it gave up on the card). */
  | { readonly type: "dropped"; readonly reason: string };

/** What a behaviour module exports. */
export interface CardBehaviour {
  /** Answers one command APDU with a response APDU (data then SW1 SW2). */
  handle(apdu: Uint8Array): Uint8Array;
  /** Called on power on and warm reset, to drop volatile state. */
  reset?(): void;
}

/** vpcd frames messages with a 16-bit length: longer responses cannot be sent. */
const MAX_MESSAGE = 0xffff;
const POWER_ON = 0x01;
const RESET = 0x02;
const GET_ATR = 0x04;
/** SW 6F 00, "no precise diagnosis": what the card answers when it cannot do better. */
const NO_DIAGNOSIS = new Uint8Array([0x6f, 0x00]);

const port = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
};

let behaviour: CardBehaviour | undefined;
let link: { conn: Deno.TcpConn; served: Promise<void> } | undefined;
const apdus: number[][] = [];
const controls: number[] = [];

port.onmessage = ({ data: request }) => {
  answer(request).then(
    (message) => port.postMessage(message),
    (error) =>
      port.postMessage({
        type: "failed",
        id: request.id,
        message: error instanceof Error ? error.message : String(error),
      }),
  );
};

async function answer(request: WorkerRequest): Promise<WorkerMessage> {
  switch (request.type) {
    case "insert": {
      if (link !== undefined) throw new Error("the card is already inserted");
      behaviour ??= await loadBehaviour(request.behaviour);
      const conn = await Deno.connect({ hostname: request.host, port: request.port });
      // vpcd writes length and payload separately; without this each APDU
      // would also wait on Nagle in our direction.
      conn.setNoDelay(true);
      link = { conn, served: serve(conn, Uint8Array.from(request.atr), behaviour) };
      return { type: "done", id: request.id };
    }
    case "remove": {
      const current = link;
      link = undefined;
      if (current !== undefined) {
        current.conn.close();
        await current.served;
      }
      return { type: "done", id: request.id };
    }
    case "log":
      return { type: "log", id: request.id, apdus: apdus.slice(), controls: controls.slice() };
  }
}

async function loadBehaviour(url: string): Promise<CardBehaviour> {
  const module = await import(url);
  if (typeof module.handle !== "function") {
    throw new Error(`${url} does not export handle(apdu: Uint8Array): Uint8Array`);
  }
  return module as CardBehaviour;
}

/** Answers the reader until either side closes the link. */
async function serve(conn: Deno.TcpConn, atr: Uint8Array, card: CardBehaviour): Promise<void> {
  let reason = "the reader closed the connection";
  try {
    card.reset?.();
    for (;;) {
      const header = await readExact(conn, 2);
      if (header === undefined) break;
      const payload = await readExact(conn, (header[0] << 8) | header[1]);
      if (payload === undefined) break;
      const response = respond(payload, atr, card);
      if (response !== undefined) await writeFrame(conn, response);
    }
  } catch (error) {
    reason = error instanceof Error ? error.message : String(error);
  }
  if (link?.conn === conn) {
    // The reader, not remove(), ended the link.
    link = undefined;
    conn.close();
    port.postMessage({ type: "dropped", reason });
  }
}

function respond(
  payload: Uint8Array,
  atr: Uint8Array,
  card: CardBehaviour,
): Uint8Array | undefined {
  if (payload.length === 1) {
    const code = payload[0];
    controls.push(code);
    if (code === POWER_ON || code === RESET) card.reset?.();
    return code === GET_ATR ? atr : undefined;
  }
  apdus.push(Array.from(payload));
  let response: Uint8Array;
  try {
    response = card.handle(payload);
  } catch (error) {
    // A behaviour bug: say so loudly but keep the card in, so the test fails
    // on the status word rather than on a mysterious removal.
    console.error("virtual card: handle() threw:", error);
    return NO_DIAGNOSIS;
  }
  // Sending it cut would misframe the link.
  return response.length > MAX_MESSAGE ? NO_DIAGNOSIS : response;
}

async function readExact(conn: Deno.TcpConn, length: number): Promise<Uint8Array | undefined> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    let n: number | null;
    try {
      n = await conn.read(buffer.subarray(filled));
    } catch (error) {
      // remove() closed the connection under the pending read.
      if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
        return undefined;
      }
      throw error;
    }
    if (n === null) return undefined;
    filled += n;
  }
  return buffer;
}

async function writeFrame(conn: Deno.TcpConn, payload: Uint8Array): Promise<void> {
  const frame = new Uint8Array(2 + payload.length);
  frame[0] = payload.length >> 8;
  frame[1] = payload.length & 0xff;
  frame.set(payload, 2);
  let written = 0;
  while (written < frame.length) written += await conn.write(frame.subarray(written));
}
