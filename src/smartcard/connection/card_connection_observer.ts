/**
 * Observers of a connection, and pyscard's console tracer.
 *
 * @module
 */

import type { CardConnection } from "./card_connection.ts";
import type { CardConnectionEvent } from "./card_connection_event.ts";
import { Observer } from "../observer.ts";
import { toHexString } from "../util.ts";

/**
 * Receives the events of the connections it is added to (`addObserver`); pyscard's
 * `CardConnectionObserver`. Extend it as in pyscard, or pass any object with an `update`.
 */
export class CardConnectionObserver extends Observer<CardConnectionEvent> {
  /**
   * Called synchronously for every event, in the order observers were added; does nothing
   * until a subclass says what to do.
   */
  override update(_connection: CardConnection, _event: CardConnectionEvent): void {}
}

const hex = (bytes: unknown): string => Array.isArray(bytes) ? toHexString(bytes) : "";

// Python's f"{sw1:2X}" and f"{sw2:02X}": pyscard pads SW1 with a blank, SW2 with a zero
const byteHex = (b: unknown): string => Number(b).toString(16).toUpperCase();

/**
 * Prints the APDU trace byte for byte as pyscard 2.3's `ConsoleCardConnectionObserver`, so
 * that logs of a ported script diff clean against the original's: `connecting to <reader>`,
 * `> A0 A4 00 00 02 7F 10`, `<  [] 9F 1A`, `< 6F 10 ... 90 00`, `disconnecting from <reader>`,
 * `release from <reader>`, and `unknown event: attrib` for `getAttrib`. Where pyscard's
 * observer fails (it cannot print a `control` exchange), it prints `> control 0x42000D48 ...`
 * and `< <response>`.
 *
 * @example
 * ```ts
 * import { ConsoleCardConnectionObserver, readers } from "@pcsc/smartcard";
 * using connection = readers()[0].createConnection();
 * connection.addObserver(new ConsoleCardConnectionObserver());
 * ```
 */
export class ConsoleCardConnectionObserver extends CardConnectionObserver {
  readonly #write: (line: string) => void;

  /**
   * Creates a `ConsoleCardConnectionObserver`.
   * @param write where lines go; `console.log` by default
   */
  constructor(write: (line: string) => void = (line) => console.log(line)) {
    super();
    this.#write = write;
  }

  /** Prints one line for the event. */
  override update(connection: CardConnection, event: CardConnectionEvent): void {
    const reader = connection.getReader().name;
    switch (event.type) {
      case "connect":
        return this.#write(`connecting to ${reader}`);
      case "reconnect":
        return this.#write(`reconnecting to ${reader}`);
      case "disconnect":
        return this.#write(`disconnecting from ${reader}`);
      case "release":
        return this.#write(`release from ${reader}`);
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
        const sw = ` ${byteHex(event.args[1]).padStart(2, " ")} ${
          byteHex(event.args[2]).padStart(2, "0")
        }`;
        const empty = !Array.isArray(data) || data.length === 0;
        return this.#write(empty ? `<  []${sw}` : `< ${hex(data)}${sw}`);
      }
      default:
        return this.#write(`unknown event: ${event.type}`);
    }
  }
}
