/**
 * A small card application for the testing kit's example (`testing_my_card_test.ts`): a PIN
 * and a counter that only the PIN holder may count up. It is a behaviour module: the kit
 * loads it in the virtual card's Worker and calls {@link handle} with every command APDU,
 * {@link reset} on power on and reset.
 *
 * | command                   | what it does                                                   |
 * | ------------------------- | -------------------------------------------------------------- |
 * | `00 A4 04 00 05 AID`      | SELECT the application ({@link MY_AID}): 90 00, else 6A 82     |
 * | `00 20 00 80 04 PIN`      | VERIFY the PIN: 90 00; wrong: 63 Cx (x tries left); 69 83 once |
 * |                           | blocked                                                        |
 * | `80 CA 00 00 02`          | GET COUNTER: the counter (2 bytes, big-endian), 90 00          |
 * | `80 D4 00 00 02`          | INCREMENT: the new counter, 90 00; 69 82 without the PIN       |
 *
 * Before SELECT every command but SELECT is answered 69 85; an unknown instruction 6D 00.
 * The counter and the tries left survive a reset (the card's EEPROM); the selection and the
 * verified PIN do not.
 *
 * @module
 */

/** The application's AID. */
export const MY_AID: readonly number[] = Object.freeze([0xf0, 0x00, 0x00, 0x00, 0x01]);
/** The PIN the card is personalised with: "1234" in ASCII. */
export const MY_PIN: readonly number[] = Object.freeze([0x31, 0x32, 0x33, 0x34]);
/** How many wrong PINs in a row block the card. */
export const PIN_TRIES = 3;

let counter = 0;
let triesLeft = PIN_TRIES;
let selected = false;
let verified = false;

/** Power on or reset: the selection and the verified PIN are lost. */
export function reset(): void {
  selected = false;
  verified = false;
}

/** Answers one command APDU with a response APDU (data then SW1 SW2). */
export function handle(apdu: Uint8Array): Uint8Array {
  const [cla, ins, p1, p2] = apdu;
  const body = [...apdu.subarray(4)];
  if (cla === 0x00 && ins === 0xa4 && p1 === 0x04 && p2 === 0x00) {
    selected = equal(body, [MY_AID.length, ...MY_AID]);
    verified = false;
    return selected ? sw(0x9000) : sw(0x6a82);
  }
  if (!selected) return sw(0x6985);
  if (cla === 0x00 && ins === 0x20 && p1 === 0x00 && p2 === 0x80) return verify(body);
  if (cla === 0x80 && ins === 0xca && p1 === 0x00 && p2 === 0x00) return counterValue();
  if (cla === 0x80 && ins === 0xd4 && p1 === 0x00 && p2 === 0x00) {
    if (!verified) return sw(0x6982);
    if (counter === 0xffff) return sw(0x6a84);
    counter++;
    return counterValue();
  }
  return sw(0x6d00);
}

function verify(body: number[]): Uint8Array {
  if (triesLeft === 0) return sw(0x6983);
  if (body.length !== 1 + MY_PIN.length || body[0] !== MY_PIN.length) return sw(0x6700);
  if (equal(body.slice(1), MY_PIN)) {
    triesLeft = PIN_TRIES;
    verified = true;
    return sw(0x9000);
  }
  triesLeft--;
  verified = false;
  return triesLeft === 0 ? sw(0x6983) : sw(0x63c0 | triesLeft);
}

function counterValue(): Uint8Array {
  return Uint8Array.of(counter >> 8, counter & 0xff, 0x90, 0x00);
}

function equal(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function sw(word: number): Uint8Array {
  return Uint8Array.of(word >> 8, word & 0xff);
}
