/**
 * Web NFC's `NDEFReadingEvent`: what `NDEFReader` fires as "reading" for each tag.
 *
 * @module
 */

import { NDEFMessage } from "./ndef_message.ts";
import type { NDEFMessageInit } from "./ndef_record.ts";

/** What an `NDEFReadingEvent` is made from. */
export interface NDEFReadingEventInit extends EventInit {
  /** The tag's serial number ("04:a2:2b:9c"); null or absent: "". */
  serialNumber?: string | null;
  /** The message (required). */
  message: NDEFMessageInit | NDEFMessage;
}

/** A tag read: its serial number and its NDEF message. */
export class NDEFReadingEvent extends Event {
  /**
   * The tag's UID as lower-case hex bytes joined by ":" ("04:a2:2b:9c:31:5d:80"), or "" where
   * the reader gives none.
   */
  readonly serialNumber: string;
  /** The message on the tag; no records for a formatted tag without one. */
  readonly message: NDEFMessage;

  /** An event of `type` with `eventInitDict`'s serial number and message. */
  constructor(type: string, eventInitDict: NDEFReadingEventInit) {
    if (eventInitDict === null || typeof eventInitDict !== "object") {
      throw new TypeError("NDEFReadingEvent needs an NDEFReadingEventInit with a message");
    }
    if (eventInitDict.message === undefined) {
      throw new TypeError("NDEFReadingEventInit.message is required");
    }
    super(type, eventInitDict);
    const serialNumber = eventInitDict.serialNumber;
    this.serialNumber = serialNumber === undefined || serialNumber === null
      ? ""
      : String(serialNumber);
    this.message = eventInitDict.message instanceof NDEFMessage
      ? eventInitDict.message
      : new NDEFMessage(eventInitDict.message);
  }
}
