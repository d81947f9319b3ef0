/**
 * ATRs for virtual cards, each checked against pcscd 1.9.9 with the vpcd
 * driver (Debian 12). "Negotiated" is what `SCardConnect` reports with
 * `SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1` preferred.
 *
 * The historical bytes spell the protocols in ASCII ("T0", "T1", "T01") so a
 * hex dump in a failing test says which card it was.
 *
 * @module
 */

/**
 * T=0 only: no interface bytes, so T=0 is implied and no TCK is allowed.
 * pcscd negotiates T=0; asking for T=1 alone gives SCARD_E_PROTO_MISMATCH.
 */
export const ATR_T0: readonly number[] = Object.freeze([0x3b, 0x02, 0x54, 0x30]);

/**
 * T=1 only: TD1 = 0x01 offers T=1 alone; the TCK is required.
 * pcscd negotiates T=1; asking for T=0 alone gives SCARD_E_PROTO_MISMATCH.
 */
export const ATR_T1: readonly number[] = Object.freeze([0x3b, 0x82, 0x01, 0x54, 0x31, 0xe6]);

/**
 * T=0 and T=1: TD1 = 0x80 offers T=0, TD2 = 0x01 offers T=1; the TCK is
 * required. pcscd negotiates T=1 when both are preferred, and honours either
 * one when it is the only protocol asked for.
 */
export const ATR_T0_T1: readonly number[] = Object.freeze([
  0x3b,
  0x83,
  0x80,
  0x01,
  0x54,
  0x30,
  0x31,
  0x57,
]);
