/**
 * The checks of a connection's arguments, made before any native call: what `connect`,
 * `reconnect` and `transmit` take.
 *
 * @module
 */

import { MAX_APDU_SIZE } from "../../pcsc/card_handle.ts";
import { type Bytes, checkBytes, checkInteger } from "../bytes.ts";
import { checkProtocolMask, isTransmitProtocol } from "./protocol.ts";

// Share modes, as pyscard passes them to SCardConnect.
const SHARE_MODES = [1, 2, 3];

/** `connect`'s and `reconnect`'s arguments: a protocol mask, a share mode, a disposition. */
export function checkConnectArguments(
  protocol?: number,
  mode?: number,
  disposition?: number,
): void {
  if (protocol !== undefined && protocol !== null) checkProtocolMask(protocol, "protocol");
  if (mode !== undefined && mode !== null) {
    checkInteger(mode, "mode", 1, 3);
    if (!SHARE_MODES.includes(mode)) throw new RangeError(`mode must be 1, 2 or 3`);
  }
  if (disposition !== undefined && disposition !== null) {
    checkInteger(disposition, "disposition", 0, 3);
  }
}

/** `transmit`'s: an APDU of 4 to 65,544 bytes, and a protocol to send it with, if any. */
export function checkCommand(command: Bytes, protocol?: number): void {
  checkBytes(command, "command", MAX_APDU_SIZE);
  if (command.length < 4) {
    const length = command.length === 0
      ? "empty"
      : `${command.length} byte${command.length === 1 ? "" : "s"} long`;
    throw new RangeError(
      `command is ${length}: an APDU has at least 4 bytes (CLA INS P1 P2)`,
    );
  }
  if (protocol === undefined || protocol === null) return;
  if (!isTransmitProtocol(protocol)) {
    throw new RangeError(
      `protocol must be T0_protocol (1), T1_protocol (2) or RAW_protocol (0x10000), ` +
        `not ${typeof protocol === "number" ? protocol : typeof protocol}`,
    );
  }
}
