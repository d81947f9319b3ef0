/**
 * Observers of a connection, and pyscard's console tracer.
 *
 * @module
 */

import type { CardConnection } from "./card_connection.ts";
import type { CardConnectionEvent } from "./card_connection_event.ts";
import { toHexString } from "./util.ts";

/** Receives the events of the connections it is added to (`addObserver`). */
export interface CardConnectionObserver {
  /** Called synchronously for every event, in the order observers were added. */
  update(connection: CardConnection, event: CardConnectionEvent): void;
}

const hex = (bytes: unknown): string => Array.isArray(bytes) ? toHexString(bytes) : "";

const sw = (b: unknown): string => Number(b).toString(16).toUpperCase().padStart(2, "0");

/**
 * Prints the APDU trace as pyscard's `ConsoleCardConnectionObserver` does:
 * `> 00 A4 04 00`, `< [] 90 00`, `< 6F 10 ... 90 00`.
 *
 * @example
 * ```ts
 * import { ConsoleCardConnectionObserver, readers } from "@pcsc/smartcard";
 * using connection = readers()[0].createConnection();
 * connection.addObserver(new ConsoleCardConnectionObserver());
 * ```
 */
export class ConsoleCardConnectionObserver implements CardConnectionObserver {
  readonly #write: (line: string) => void;

  /**
   * Creates a `ConsoleCardConnectionObserver`.
   * @param write where lines go; `console.log` by default
   */
  constructor(write: (line: string) => void = (line) => console.log(line)) {
    this.#write = write;
  }

  /** Prints one line for the event. */
  update(connection: CardConnection, event: CardConnectionEvent): void {
    const reader = connection.getReader().name;
    switch (event.type) {
      case "connect":
        return this.#write(`connecting to ${reader}`);
      case "reconnect":
        return this.#write(`reconnecting to ${reader}`);
      case "disconnect":
        return this.#write(`disconnecting from ${reader}`);
      case "release":
        return this.#write(`releasing ${reader}`);
      case "command":
        // control commands carry [controlCode, bytes]
        return this.#write(
          typeof event.args[0] === "number"
            ? `> control 0x${event.args[0].toString(16).toUpperCase()} ${hex(event.args[1])}`
            : `> ${hex(event.args[0])}`,
        );
      case "response": {
        const [data] = event.args;
        if (event.args.length < 3) return this.#write(`< ${hex(data)}`);
        const body = Array.isArray(data) && data.length ? hex(data) : "[]";
        return this.#write(`< ${body} ${sw(event.args[1])} ${sw(event.args[2])}`);
      }
      case "attrib":
        return this.#write(`attrib 0x${Number(event.args[0]).toString(16).toUpperCase()}`);
    }
  }
}
