/**
 * The transmission protocols a connection asks for and is given. SCARD_PROTOCOL_RAW is not
 * here: its value is the platform's (see `platform_constants.ts`).
 *
 * @module
 */

/** No protocol yet (a direct connection to a reader). */
export const SCARD_PROTOCOL_UNDEFINED = 0x0000;
/** SCARD_PROTOCOL_T0. */
export const SCARD_PROTOCOL_T0 = 0x0001;
/** SCARD_PROTOCOL_T1. */
export const SCARD_PROTOCOL_T1 = 0x0002;
/** SCARD_PROTOCOL_T15. */
export const SCARD_PROTOCOL_T15 = 0x0008;
/** T=0 or T=1, whichever the card offers. */
export const SCARD_PROTOCOL_ANY = SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1;
