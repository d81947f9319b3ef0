/**
 * The card pyscard's framework samples talk to, as a testing-kit behaviour module: a GSM SIM
 * (class A0) that knows DF_TELECOM. The samples SELECT it and, on `9F xx`, GET RESPONSE.
 *
 * | command                    | answer                                            |
 * | -------------------------- | ------------------------------------------------- |
 * | `A0 A4 00 00 02 7F 10`     | SELECT DF_TELECOM: `9F 1A` (26 response bytes)    |
 * | `A0 C0 00 00 Le`           | GET RESPONSE: the first Le of them, `90 00`       |
 * | `A0 A4 00 00 02` other     | SELECT another file: `94 04` (file not found)     |
 * | anything else              | `6D 00` (instruction not supported)               |
 *
 * @module
 */

/** The SIM's ATR (T=0 only: no interface bytes). */
export const SIM_ATR: readonly number[] = Object.freeze([0x3B, 0x02, 0x14, 0x50]);

// DF_TELECOM's file characteristics, as a SIM gives them after SELECT (GSM 11.11, 9.2.1)
// deno-fmt-ignore
const DF_TELECOM_FCI = [
  0x00, 0x00, 0x00, 0x00, 0x7F, 0x10, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0D,
  0x13, 0x00, 0x0A, 0x04, 0x00, 0x83, 0x8A, 0x83, 0x8A, 0x00, 0x03, 0x00, 0x00,
];

let selected = false;

/** Power on or reset: nothing selected. */
export function reset(): void {
  selected = false;
}

/** Answers one command APDU. */
export function handle(apdu: Uint8Array): Uint8Array {
  const [cla, ins] = apdu;
  if (cla === 0xA0 && ins === 0xA4 && apdu.length === 7) {
    selected = apdu[5] === 0x7F && apdu[6] === 0x10;
    return Uint8Array.of(...(selected ? [0x9F, DF_TELECOM_FCI.length] : [0x94, 0x04]));
  }
  if (cla === 0xA0 && ins === 0xC0 && apdu.length === 5 && selected) {
    const le = apdu[4] || 256;
    return Uint8Array.of(...DF_TELECOM_FCI.slice(0, le), 0x90, 0x00);
  }
  return Uint8Array.of(0x6D, 0x00);
}
