/**
 * The return codes the upper layer tests for by value.
 *
 * @module
 */

/** Command cancelled (SCardCancel). */
export const SCARD_E_CANCELLED = 0x80100002;
/** Invalid handle: the context or card handle is gone (e.g. pcscd restarted). */
export const SCARD_E_INVALID_HANDLE = 0x80100003;
/** A parameter the call was given is invalid. */
export const SCARD_E_INVALID_PARAMETER = 0x80100004;
/** A value the call was given is out of range (e.g. a disposition it does not take). */
export const SCARD_E_INVALID_VALUE = 0x80100011;
/** A buffer was too small. */
export const SCARD_E_INSUFFICIENT_BUFFER = 0x80100008;
/** The reader name is unknown. */
export const SCARD_E_UNKNOWN_READER = 0x80100009;
/** A wait reached its time-out. */
export const SCARD_E_TIMEOUT = 0x8010000A;
/** Another handle holds the card exclusively. */
export const SCARD_E_SHARING_VIOLATION = 0x8010000B;
/** No card in the reader. */
export const SCARD_E_NO_SMARTCARD = 0x8010000C;
/** The card offers none of the requested protocols. */
export const SCARD_E_PROTO_MISMATCH = 0x8010000F;
/** The reader or card is not ready. */
export const SCARD_E_NOT_READY = 0x80100010;
/** The service cancelled the call (a shutdown, a log-off). */
export const SCARD_E_SYSTEM_CANCELLED = 0x80100012;
/** A transaction failed or was not held. */
export const SCARD_E_NOT_TRANSACTED = 0x80100016;
/** The service is shutting down. */
export const SCARD_P_SHUTDOWN = 0x80100018;
/** The reader cannot be used now. */
export const SCARD_E_READER_UNAVAILABLE = 0x80100017;
/** The connection to the PC/SC service broke (pcscd died). */
export const SCARD_F_COMM_ERROR = 0x80100013;
/** The PC/SC service is not running. */
export const SCARD_E_NO_SERVICE = 0x8010001D;
/** The PC/SC service stopped (Windows, with its last reader). */
export const SCARD_E_SERVICE_STOPPED = 0x8010001E;
/** No readers. */
export const SCARD_E_NO_READERS_AVAILABLE = 0x8010002E;
/** The service is too busy. */
export const SCARD_E_SERVER_TOO_BUSY = 0x80100031;
/** The card's ATR is of no protocol the reader supports. */
export const SCARD_W_UNSUPPORTED_CARD = 0x80100065;
/** The card was removed. */
export const SCARD_W_REMOVED_CARD = 0x80100069;
/** The card was reset by another handle. */
export const SCARD_W_RESET_CARD = 0x80100068;
/** The card is not powered. */
export const SCARD_W_UNPOWERED_CARD = 0x80100067;
/** The card does not answer. */
export const SCARD_W_UNRESPONSIVE_CARD = 0x80100066;
/**
 * Access denied: pcscd refused the client (polkit, at SCardEstablishContext), or does not know
 * its context (a restarted pcscd 1.9).
 */
export const SCARD_W_SECURITY_VIOLATION = 0x8010006A;
