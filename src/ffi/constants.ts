/**
 * SCARD_* constants that are the same on every platform.
 *
 * The ones that differ (SCARD_PROTOCOL_RAW, SCARD_CTL_CODE) live in the ABI description.
 *
 * @module
 */

/** SCardEstablishContext scopes. */
export const SCARD_SCOPE_USER = 0x0000;
/** SCARD_SCOPE_SYSTEM. */
export const SCARD_SCOPE_SYSTEM = 0x0002;

/** Share modes for SCardConnect and SCardReconnect. */
export const SCARD_SHARE_EXCLUSIVE = 0x0001;
/** SCARD_SHARE_SHARED. */
export const SCARD_SHARE_SHARED = 0x0002;
/** SCARD_SHARE_DIRECT. */
export const SCARD_SHARE_DIRECT = 0x0003;

/** Dispositions for SCardDisconnect, SCardReconnect and SCardEndTransaction. */
export const SCARD_LEAVE_CARD = 0x0000;
/** SCARD_RESET_CARD. */
export const SCARD_RESET_CARD = 0x0001;
/** SCARD_UNPOWER_CARD. */
export const SCARD_UNPOWER_CARD = 0x0002;
/** SCARD_EJECT_CARD. */
export const SCARD_EJECT_CARD = 0x0003;

/** Protocols; SCARD_PROTOCOL_RAW differs between platforms (see the ABI). */
export const SCARD_PROTOCOL_UNDEFINED = 0x0000;
/** SCARD_PROTOCOL_T0. */
export const SCARD_PROTOCOL_T0 = 0x0001;
/** SCARD_PROTOCOL_T1. */
export const SCARD_PROTOCOL_T1 = 0x0002;
/** SCARD_PROTOCOL_T15. */
export const SCARD_PROTOCOL_T15 = 0x0008;
/** T=0 or T=1, whichever the card offers. */
export const SCARD_PROTOCOL_ANY = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;

/** SCARD_READERSTATE dwCurrentState / dwEventState bits, equal everywhere. */
export const SCARD_STATE_UNAWARE = 0x0000;
/** SCARD_STATE_IGNORE. */
export const SCARD_STATE_IGNORE = 0x0001;
/** SCARD_STATE_CHANGED. */
export const SCARD_STATE_CHANGED = 0x0002;
/** SCARD_STATE_UNKNOWN. */
export const SCARD_STATE_UNKNOWN = 0x0004;
/** SCARD_STATE_UNAVAILABLE. */
export const SCARD_STATE_UNAVAILABLE = 0x0008;
/** SCARD_STATE_EMPTY. */
export const SCARD_STATE_EMPTY = 0x0010;
/** SCARD_STATE_PRESENT. */
export const SCARD_STATE_PRESENT = 0x0020;
/** SCARD_STATE_ATRMATCH. */
export const SCARD_STATE_ATRMATCH = 0x0040;
/** SCARD_STATE_EXCLUSIVE. */
export const SCARD_STATE_EXCLUSIVE = 0x0080;
/** SCARD_STATE_INUSE. */
export const SCARD_STATE_INUSE = 0x0100;
/** SCARD_STATE_MUTE. */
export const SCARD_STATE_MUTE = 0x0200;
/** SCARD_STATE_UNPOWERED. */
export const SCARD_STATE_UNPOWERED = 0x0400;

/** dwTimeout meaning "no time-out". */
export const INFINITE = 0xFFFFFFFF;

/** The pseudo-reader whose state changes when readers are plugged in or out. */
export const PNP_NOTIFICATION = "\\\\?PnP?\\Notification";

/** Card states SCardStatus reports, as bits (pcsc-lite, macOS). */
export const SCARD_UNKNOWN = 0x0001;
/** SCARD_ABSENT. */
export const SCARD_ABSENT = 0x0002;
/** SCARD_PRESENT. */
export const SCARD_PRESENT = 0x0004;
/** SCARD_SWALLOWED. */
export const SCARD_SWALLOWED = 0x0008;
/** SCARD_POWERED. */
export const SCARD_POWERED = 0x0010;
/** SCARD_NEGOTIABLE. */
export const SCARD_NEGOTIABLE = 0x0020;
/** SCARD_SPECIFIC. */
export const SCARD_SPECIFIC = 0x0040;

/** Largest ATR, in bytes. */
export const MAX_ATR_SIZE = 33;

/**
 * Largest response buffer: an extended-length response (65,536 data bytes and SW1 SW2) with
 * pcsc-lite's margin for a T=1 prologue; MAX_BUFFER_SIZE_EXTENDED in pcsc-lite.
 */
export const MAX_BUFFER_SIZE_EXTENDED = 4 + 3 + (1 << 16) + 3 + 2;

/** Largest command APDU: extended case 4 (4 + 3 + 65,535 + 2 bytes). */
export const MAX_APDU_SIZE = 65544;

/** SCARD_ATTR_* identifiers for SCardGetAttrib, equal everywhere. */
export const SCARD_ATTR = {
  VENDOR_NAME: 0x00010100,
  VENDOR_IFD_TYPE: 0x00010101,
  VENDOR_IFD_VERSION: 0x00010102,
  VENDOR_IFD_SERIAL_NO: 0x00010103,
  CHANNEL_ID: 0x00020110,
  ASYNC_PROTOCOL_TYPES: 0x00030120,
  DEFAULT_CLK: 0x00030121,
  MAX_CLK: 0x00030122,
  DEFAULT_DATA_RATE: 0x00030123,
  MAX_DATA_RATE: 0x00030124,
  MAX_IFSD: 0x00030125,
  SYNC_PROTOCOL_TYPES: 0x00030126,
  POWER_MGMT_SUPPORT: 0x00040131,
  USER_TO_CARD_AUTH_DEVICE: 0x00050140,
  USER_AUTH_INPUT_DEVICE: 0x00050142,
  CHARACTERISTICS: 0x00060150,
  CURRENT_PROTOCOL_TYPE: 0x00080201,
  CURRENT_CLK: 0x00080202,
  CURRENT_F: 0x00080203,
  CURRENT_D: 0x00080204,
  CURRENT_N: 0x00080205,
  CURRENT_W: 0x00080206,
  CURRENT_IFSC: 0x00080207,
  CURRENT_IFSD: 0x00080208,
  CURRENT_BWT: 0x00080209,
  CURRENT_CWT: 0x0008020A,
  CURRENT_EBC_ENCODING: 0x0008020B,
  EXTENDED_BWT: 0x0008020C,
  ICC_PRESENCE: 0x00090300,
  ICC_INTERFACE_STATUS: 0x00090301,
  CURRENT_IO_STATE: 0x00090302,
  ATR_STRING: 0x00090303,
  ICC_TYPE_PER_ATR: 0x00090304,
  ESC_RESET: 0x0007A000,
  ESC_CANCEL: 0x0007A003,
  ESC_AUTHREQUEST: 0x0007A005,
  MAXINPUT: 0x0007A007,
  DEVICE_UNIT: 0x7FFF0001,
  DEVICE_IN_USE: 0x7FFF0002,
  DEVICE_FRIENDLY_NAME: 0x7FFF0003,
  DEVICE_SYSTEM_NAME: 0x7FFF0004,
  SUPRESS_T1_IFS_REQUEST: 0x7FFF0007,
} as const;
