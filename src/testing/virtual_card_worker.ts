/**
 * Serves one virtual card to a vpcd reader, in a Worker: the code under test
 * blocks its own event loop inside every synchronous PC/SC call, so a card
 * answering from that loop would deadlock the reader.
 *
 * vpcd protocol: the card is the TCP client; every message is a 2-byte
 * big-endian length then the payload. A 1-byte payload is a control code
 * (00 power off, 01 power on, 02 reset, 04 get ATR: only the last one is
 * answered); a longer one is a command APDU, answered with the response APDU.
 *
 * @module
 */

import {
  type CardBehaviour,
  type CardResponse,
  NO_DIAGNOSIS,
  Script,
  type ScriptStep,
  type TraceEntry,
} from "./card_behaviour.ts";

/** What the card does: a behaviour module's URL, or a script. */
export type CardSource =
  | { readonly behaviour: string; readonly options?: unknown }
  | { readonly script: readonly ScriptStep[]; readonly mismatchResponse: readonly number[] };

/** Requests from {@link VirtualCard} to its worker. */
export type WorkerRequest =
  & { readonly id: number }
  & (
    | {
      readonly type: "insert";
      readonly host: string;
      readonly port: number;
      readonly atr: readonly number[];
      readonly source: CardSource;
    }
    | { readonly type: "remove" }
    | { readonly type: "log" }
    | { readonly type: "inspect"; readonly source: CardSource }
  );

/** Messages from the worker: an answer to request `id`, or news of the link. */
export type WorkerMessage =
  | { readonly type: "done"; readonly id: number }
  | { readonly type: "failed"; readonly id: number; readonly message: string }
  | {
    readonly type: "log";
    readonly id: number;
    readonly trace: TraceEntry[];
    readonly controls: number[];
    readonly pending: ScriptStep[];
  }
  | { readonly type: "inspected"; readonly id: number; readonly state: unknown }
  /** The reader closed the link (daemon stopped, or it gave up on the card). */
  | { readonly type: "dropped"; readonly reason: string };

/** How the worker answers: a response, and for a script what did not match. */
interface Responder {
  answer(apdu: Uint8Array): Promise<{ response: Uint8Array; mismatch?: string }>;
  reset(): void;
  inspect(): unknown;
  readonly pending: ScriptStep[];
}

/** vpcd frames messages with a 16-bit length: longer responses cannot be sent. */
const MAX_MESSAGE = 0xffff;
const POWER_ON = 0x01;
const RESET = 0x02;
const GET_ATR = 0x04;

const port = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerMessage): void;
};

let responder: Responder | undefined;
/** The responder being made: an inspect and an insert at once make one. */
let made: Promise<Responder> | undefined;
let link: { conn: Deno.TcpConn; served: Promise<void> } | undefined;
const trace: TraceEntry[] = [];
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
      responder = await (made ??= makeResponder(request.source));
      const conn = await Deno.connect({ hostname: request.host, port: request.port });
      // vpcd writes length and payload separately; without this each APDU
      // would also wait on Nagle in our direction.
      conn.setNoDelay(true);
      link = { conn, served: serve(conn, Uint8Array.from(request.atr), responder) };
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
    case "inspect":
      responder = await (made ??= makeResponder(request.source));
      return { type: "inspected", id: request.id, state: responder.inspect() };
    case "log":
      return {
        type: "log",
        id: request.id,
        trace: trace.slice(),
        controls: controls.slice(),
        pending: responder?.pending ?? [],
      };
  }
}

async function makeResponder(source: CardSource): Promise<Responder> {
  if ("script" in source) {
    const script = new Script(source.script, source.mismatchResponse);
    return {
      answer: (apdu) => Promise.resolve(script.answer(apdu)),
      reset() {},
      inspect: () => undefined,
      get pending() {
        return script.pending;
      },
    };
  }
  const card = await loadBehaviour(source.behaviour);
  await card.configure?.(source.options);
  return {
    async answer(apdu) {
      return { response: toUint8Array(await card.handle(apdu)) };
    },
    reset: () => card.reset?.(),
    inspect: () => card.inspect?.(),
    pending: [],
  };
}

async function loadBehaviour(url: string): Promise<CardBehaviour> {
  const module = await import(url);
  if (typeof module.handle !== "function") {
    throw new Error(`${url} does not export handle(apdu: Uint8Array): Uint8Array`);
  }
  return module as CardBehaviour;
}

function toUint8Array(response: CardResponse): Uint8Array {
  return response instanceof Uint8Array ? response : Uint8Array.from(response);
}

/** Answers the reader until either side closes the link. */
async function serve(conn: Deno.TcpConn, atr: Uint8Array, card: Responder): Promise<void> {
  let reason = "the reader closed the connection";
  try {
    card.reset();
    for (;;) {
      const header = await readExact(conn, 2);
      if (header === undefined) break;
      const payload = await readExact(conn, (header[0] << 8) | header[1]);
      if (payload === undefined) break;
      const response = await respond(payload, atr, card);
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

async function respond(
  payload: Uint8Array,
  atr: Uint8Array,
  card: Responder,
): Promise<Uint8Array | undefined> {
  if (payload.length === 1) {
    const code = payload[0];
    controls.push(code);
    if (code === POWER_ON || code === RESET) card.reset();
    return code === GET_ATR ? atr : undefined;
  }
  const command = Array.from(payload);
  let answer: { response: Uint8Array; mismatch?: string };
  try {
    answer = await card.answer(payload);
  } catch (error) {
    // A behaviour bug: say so loudly but keep the card in, so the test fails
    // on the status word rather than on a mysterious removal.
    console.error("virtual card: handle() threw:", error);
    answer = { response: Uint8Array.from(NO_DIAGNOSIS) };
  }
  // Sending it cut would misframe the link.
  const response = answer.response.length > MAX_MESSAGE
    ? Uint8Array.from(NO_DIAGNOSIS)
    : answer.response;
  const entry: TraceEntry = { command, response: Array.from(response) };
  trace.push(answer.mismatch === undefined ? entry : { ...entry, mismatch: answer.mismatch });
  return response;
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
