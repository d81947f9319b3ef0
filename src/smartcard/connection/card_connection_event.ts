/**
 * Events a connection reports to its observers (pyscard's `CardConnectionEvent`).
 *
 * @module
 */

/** The kinds of event a {@link CardConnectionEvent} carries. */
export type CardConnectionEventType =
  | "connect"
  | "reconnect"
  | "disconnect"
  | "release"
  | "command"
  | "response"
  | "attrib";

/**
 * One event of a connection. `args` by type: `command` `[apdu, protocol]` (or, for control,
 * `[controlCode, command]`), `response` `[data, sw1, sw2]` (or, for control, `[data]`),
 * `attrib` `[attribId]`, the others `[]`.
 *
 * @example
 * ```ts
 * import { CardConnectionEvent } from "@pcsc/smartcard";
 * const event = new CardConnectionEvent("response", [[], 0x90, 0x00]);
 * ```
 */
export class CardConnectionEvent {
  /** What happened. */
  readonly type: CardConnectionEventType;
  /** The event's data; see the class description. */
  readonly args: unknown[];

  /**
   * Creates a `description`.
   * @param type what happened
   * @param args its data
   */
  constructor(type: CardConnectionEventType, args: unknown[] = []) {
    this.type = type;
    this.args = args;
  }
}
