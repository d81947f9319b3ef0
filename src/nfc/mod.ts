/**
 * NDEF and the W3C Web NFC API over PC/SC contactless readers.
 *
 * @module
 */

export {
  type NDEFMessageInit,
  type NDEFMessageSource,
  NDEFRecord,
  type NDEFRecordDataSource,
  type NDEFRecordInit,
} from "./ndef_record.ts";
export { NDEFMessage } from "./ndef_message.ts";
export { NDEFReadingEvent, type NDEFReadingEventInit } from "./ndef_reading_event.ts";
export { NdefFormatError } from "./ndef_bytes.ts";
export { NdefTagError, type WriteProgress } from "./ndef_tag_error.ts";
