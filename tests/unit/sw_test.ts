// Status-word exceptions, checkers and the error-checking chain, held against pyscard's
// tables for every sw1 sw2 in 00 00..FF FF.
import assert from "node:assert/strict";
import { SmartcardException } from "../../src/smartcard/errors/exceptions.ts";
import {
  CheckingErrorException,
  ExecutionErrorException,
  SecurityRelatedException,
  SWException,
  type SWExceptionClass,
  WarningProcessingException,
} from "../../src/smartcard/status_words/sw_exceptions.ts";
import {
  checkStatusWordTable,
  defineStatusWordTable,
  type ErrorChecker,
} from "../../src/smartcard/status_words/error_checker.ts";
import { ErrorCheckingChain } from "../../src/smartcard/status_words/error_checking_chain.ts";
import {
  ISO7816_4ErrorChecker,
  iso7816_4SW,
} from "../../src/smartcard/status_words/iso7816_4_error_checker.ts";
import {
  ISO7816_4_SW1ErrorChecker,
  iso7816_4SW1,
} from "../../src/smartcard/status_words/iso7816_4_sw1_error_checker.ts";
import {
  ISO7816_8ErrorChecker,
  iso7816_8SW,
} from "../../src/smartcard/status_words/iso7816_8_error_checker.ts";
import {
  ISO7816_9ErrorChecker,
  iso7816_9SW,
} from "../../src/smartcard/status_words/iso7816_9_error_checker.ts";
import { op21_ErrorChecker, op21_SW } from "../../src/smartcard/status_words/op21_error_checker.ts";

// ---------------------------------------------------------------------------------------
// pyscard's tables, restated as "SW1SW2 kind text" lines (W warning processing, E execution
// error, S security issue, C checking error), independently of the implementation's layout.

type Kind = "W" | "E" | "S" | "C";
const CLASS: Record<Kind, SWExceptionClass> = {
  W: WarningProcessingException,
  E: ExecutionErrorException,
  S: SecurityRelatedException,
  C: CheckingErrorException,
};
const PREFIX: Record<Kind, string> = {
  W: "warning processing - ",
  E: "execution error - ",
  S: "security issue - ",
  C: "checking error - ",
};

/** What a checker throws for one status word: the exact class and the full message. */
interface Outcome {
  readonly cls: string;
  readonly message: string;
}
type Spec = ReadonlyMap<number, Outcome>;

function expected(kind: Kind, text: string): Outcome {
  return { cls: CLASS[kind].name, message: `Status word exception: ${PREFIX[kind]}${text}!` };
}

function spec(lines: string, ...more: [number, Outcome][]): Spec {
  const map = new Map<number, Outcome>(more);
  for (const line of lines.trim().split("\n")) {
    const [, sw, kind, text] = /^\s*([0-9A-F]{4}) ([WESC]) (.+)$/.exec(line)!;
    assert.ok(!map.has(parseInt(sw, 16)), `duplicate ${sw} in the test's spec`);
    map.set(parseInt(sw, 16), expected(kind as Kind, text));
  }
  return map;
}

function pinTries(word: string): [number, Outcome][] {
  return Array.from({ length: 16 }, (_, n): [number, Outcome] => [
    0x63c0 + n,
    expected("W", `PIN verification failed. ${n} ${word} before blocking PIN`),
  ]);
}

const ISO7816_4 = spec(
  `
  6200 W Response padded/ More APDU commands expected
  6281 W Part of returned data may be corrupted
  6282 W End of file/record reached before reading Le bytes
  6283 W File invalidated
  6284 W FCI not correctly formatted
  62FF W Correct execution, response padded
  6300 W Authentication failed
  6381 W File filled up by the last write
  6400 E Integrity error detected in EEPROM
  6700 C Wrong length in Lc
  6881 C Logical channel not supported
  6882 C Secure messaging not supported
  6981 C Command incompatible with file structure.
  6982 C Security status not satisfied
  6983 C Authentication method blocked
  6984 C Referenced data invalid
  6985 C Conditions of use not satisfied
  6986 C Command not allowed (no current EF)
  6987 C Secure messaging data object missing.
  6988 C Secure messaging data object incorrect
  6A80 C Incorrect parameters in the data field
  6A81 C Function not supported
  6A82 C File not found
  6A83 C Record not found
  6A84 C Not enough memory space in the file
  6A85 C Lc inconsistent with TLV structure
  6A86 C Incorrect parameters P1-P2
  6A87 C Lc is inconsistent with P1-P2
  6A88 C Referenced data not found
  6B00 C Incorrect parameters P1-P2
  6D00 C Instruction (INS) not supported
  6E00 C Class (CLA) not supported
  6F00 C Fatal error
  `,
  ...pinTries("tries"),
);

const ISO7816_8 = spec(
  `
  6300 W Authentication failed
  6581 E Memory failure (unsuccessful changing)
  6600 S The environment cannot be set or modified
  6687 S Expected SM data objects missing
  6688 S SM data objects incorrect
  6700 C Wrong length (empty Lc field)
  6883 C Final command expected
  6884 C Command chaining not supported
  6982 C Security status not satisfied
  6983 C Authentication method blocked
  6984 C Referenced data invalidated
  6985 C Conditions of use not satisfied
  6A81 C Function not supported
  6A82 C File not found
  6A86 C Incorrect parameters P1-P2
  6A88 C Referenced data not found
  `,
  ...pinTries("retries"),
);

const ISO7816_9 = spec(`
  6282 W End of file/record reached
  6400 E Execution error
  6982 C Security status not satisfied
  6A80 C Incorrect parameters in data field
  6A84 C Not enough memory space
  6A89 C File already exists
  6A8A C DF name already exists
`);

const OP21 = spec(`
  6283 W Card life cycle is CARD_LOCKED
  6300 W Authentication failed
  6400 E Execution error
  6581 E Memory failure
  6700 C Wrong length in Lc
  6982 C Security status not satisfied
  6985 C Conditions of use not satisfied
  6A80 C Incorrect values in command data
  6A81 C Function not supported
  6A82 C Application not found
  6A84 C Not enough memory space
  6A86 C Incorrect parameters P1-P2
  6A88 C Referenced data not found
  6D00 C Instruction not supported
  6E00 C Class not supported
  9484 C Algorithm not supported
  9485 C Invalid key check value
`);

/** pyscard's ISO7816_4_SW1ErrorChecker: by sw1 only, with an empty text. */
function iso7816_4Sw1Rule(sw1: number): Outcome | null {
  if (sw1 === 0x62 || sw1 === 0x63) return expected("W", "");
  if (sw1 === 0x64 || sw1 === 0x65) return expected("E", "");
  if (sw1 === 0x66) return expected("S", "");
  if (sw1 >= 0x67 && sw1 <= 0x6f) return expected("C", "");
  return null;
}

const fromSpec = (s: Spec) => (sw1: number, sw2: number): Outcome | null =>
  s.get((sw1 << 8) | sw2) ?? null;

// ---------------------------------------------------------------------------------------

const DATA = Object.freeze([0xde, 0xad]);

/** Runs `checker` on one status word and reports what it threw, checking the fields. */
function outcomeOf(checker: ErrorChecker, sw1: number, sw2: number): Outcome | null {
  try {
    checker.check(DATA, sw1, sw2);
    return null;
  } catch (error) {
    if (!(error instanceof SWException)) throw error;
    if (error.sw1 !== sw1 || error.sw2 !== sw2 || error.data.join() !== DATA.join()) {
      return { cls: "fields wrong", message: `${error.sw1} ${error.sw2} ${error.data}` };
    }
    return { cls: error.constructor.name, message: error.message };
  }
}

/** Every sw1 sw2 on which `checker` differs from `expect`, as readable lines. */
function mismatches(
  checker: ErrorChecker,
  expect: (sw1: number, sw2: number) => Outcome | null,
): string[] {
  const found: string[] = [];
  for (let sw1 = 0; sw1 <= 0xff; sw1++) {
    for (let sw2 = 0; sw2 <= 0xff; sw2++) {
      const got = outcomeOf(checker, sw1, sw2);
      const want = expect(sw1, sw2);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        const sw = ((sw1 << 8) | sw2).toString(16).toUpperCase().padStart(4, "0");
        found.push(`${sw}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    }
  }
  return found;
}

function chainOf(...checkers: ErrorChecker[]): ErrorCheckingChain[] {
  const chain: ErrorCheckingChain[] = [];
  for (const checker of checkers) new ErrorCheckingChain(chain, checker);
  return chain;
}

// ---------------------------------------------------------------------------------------
// SWException and its subclasses

Deno.test("SWException is a SmartcardException carrying data, sw1, sw2 and pyscard's text", () => {
  const e = new SWException([1, 2], 0x6a, 0x82, "File not found");
  assert.ok(e instanceof SmartcardException);
  assert.ok(e instanceof Error);
  assert.equal(e.name, "SWException");
  assert.equal(e.message, "Status word exception: File not found!");
  assert.equal(e.reason, "File not found");
  assert.deepEqual(e.data, [1, 2]);
  assert.equal(e.sw1, 0x6a);
  assert.equal(e.sw2, 0x82);
  assert.equal(e.hresult, -1);
});

Deno.test("SWException renders without pyscard's repr quotes, and an empty text as '!'", () => {
  assert.equal(new SWException([], 0x90, 0x00).message, "Status word exception: !");
  assert.equal(
    String(new SWException([], 0x90, 0x00, "x")),
    "SWException: Status word exception: x!",
  );
});

Deno.test("SWException keeps a frozen copy of the data, not the caller's array", () => {
  const data = [1, 2, 3];
  const e = new SWException(data, 0x6f, 0x00);
  data.push(4);
  assert.deepEqual(e.data, [1, 2, 3]);
  assert.ok(Object.isFrozen(e.data));
});

Deno.test("each SWException subclass prefixes the text with its category, as pyscard", () => {
  const cases: [SWExceptionClass, string, string][] = [
    [WarningProcessingException, "WarningProcessingException", "warning processing - "],
    [ExecutionErrorException, "ExecutionErrorException", "execution error - "],
    [SecurityRelatedException, "SecurityRelatedException", "security issue - "],
    [CheckingErrorException, "CheckingErrorException", "checking error - "],
  ];
  for (const [cls, name, prefix] of cases) {
    const e = new cls([7], 0x6a, 0x82, "text");
    assert.ok(e instanceof SWException);
    assert.ok(e instanceof SmartcardException);
    assert.equal(e.name, name);
    assert.equal(e.reason, prefix + "text");
    assert.equal(e.message, `Status word exception: ${prefix}text!`);
    assert.equal(new cls([], 0, 0).message, `Status word exception: ${prefix}!`);
  }
});

// ---------------------------------------------------------------------------------------
// Checkers, exhaustively

Deno.test("ISO7816_4ErrorChecker matches pyscard's iso7816_4SW on all 65536 status words", () => {
  assert.deepEqual(mismatches(new ISO7816_4ErrorChecker(), fromSpec(ISO7816_4)), []);
});

Deno.test("ISO7816_4_SW1ErrorChecker raises by sw1 62..6F whatever sw2, on all 65536", () => {
  assert.deepEqual(mismatches(new ISO7816_4_SW1ErrorChecker(), iso7816_4Sw1Rule), []);
});

Deno.test("ISO7816_8ErrorChecker matches pyscard's iso7816_8SW on all 65536 status words", () => {
  assert.deepEqual(mismatches(new ISO7816_8ErrorChecker(), fromSpec(ISO7816_8)), []);
});

Deno.test("ISO7816_9ErrorChecker matches pyscard's iso7816_9SW on all 65536 status words", () => {
  assert.deepEqual(mismatches(new ISO7816_9ErrorChecker(), fromSpec(ISO7816_9)), []);
});

Deno.test("op21_ErrorChecker matches pyscard's op21_SW on all 65536 status words", () => {
  assert.deepEqual(mismatches(new op21_ErrorChecker(), fromSpec(OP21)), []);
});

Deno.test("ISO7816_4ErrorChecker raises CheckingErrorException for 69 82", () => {
  assert.throws(
    () => new ISO7816_4ErrorChecker().check([], 0x69, 0x82),
    (e: unknown) =>
      e instanceof CheckingErrorException &&
      e.message === "Status word exception: checking error - Security status not satisfied!",
  );
});

Deno.test("ISO7816_8ErrorChecker raises SecurityRelatedException for 66 87", () => {
  assert.throws(
    () => new ISO7816_8ErrorChecker().check([], 0x66, 0x87),
    SecurityRelatedException,
  );
});

Deno.test("ISO7816_4ErrorChecker passes 90 00, 61 xx and the undefined 65 xx, 66 xx, 6C xx", () => {
  const checker = new ISO7816_4ErrorChecker();
  for (const [sw1, sw2] of [[0x90, 0x00], [0x61, 0x10], [0x65, 0x81], [0x66, 0x00], [0x6c, 0x10]]) {
    checker.check([], sw1, sw2);
  }
});

Deno.test("every checker refuses an sw1 or sw2 that is not a byte with a RangeError", () => {
  const checkers: ErrorChecker[] = [
    new ISO7816_4ErrorChecker(),
    new ISO7816_4_SW1ErrorChecker(),
    new ISO7816_8ErrorChecker(),
    new ISO7816_9ErrorChecker(),
    new op21_ErrorChecker(),
  ];
  for (const checker of checkers) {
    assert.throws(() => checker.check([], 0x169, 0x82), /sw1 must be an integer byte 0..255/);
    assert.throws(() => checker.check([], 0x6a, -1), /sw2 must be an integer byte 0..255, got -1/);
    assert.throws(() => checker.check([], 0x6a, 0.5), RangeError);
    assert.throws(() => checker.check([], NaN, 0), RangeError);
  }
});

Deno.test("the checkers' tables are frozen, rows and messages included", () => {
  for (const table of [iso7816_4SW, iso7816_8SW, iso7816_9SW, op21_SW]) {
    assert.ok(Object.isFrozen(table));
    for (const row of Object.values(table)) {
      assert.ok(Object.isFrozen(row));
      assert.ok(Object.isFrozen(row.messages));
    }
  }
  assert.ok(Object.isFrozen(iso7816_4SW1));
  assert.throws(() => {
    (iso7816_4SW as Record<number, unknown>)[0x90] = null;
  }, TypeError);
});

Deno.test("the exported tables hold as many status words as pyscard's", () => {
  const count = (t: typeof iso7816_4SW) =>
    Object.values(t).reduce((n, row) => n + Object.keys(row.messages).length, 0);
  assert.equal(count(iso7816_4SW), ISO7816_4.size);
  assert.equal(count(iso7816_8SW), ISO7816_8.size);
  assert.equal(count(iso7816_9SW), ISO7816_9.size);
  assert.equal(count(op21_SW), OP21.size);
  assert.equal(Object.keys(iso7816_4SW1).length, 14);
});

Deno.test("defineStatusWordTable and checkStatusWordTable build a custom table-driven checker", () => {
  const table = defineStatusWordTable({ 0x6a: [CheckingErrorException, { 0x82: "nope" }] });
  assert.throws(
    () => checkStatusWordTable(table, [], 0x6a, 0x82),
    { name: "CheckingErrorException", message: "Status word exception: checking error - nope!" },
  );
  checkStatusWordTable(table, [], 0x6a, 0x83);
  checkStatusWordTable(table, [], 0x6b, 0x82);
});

// ---------------------------------------------------------------------------------------
// ErrorCheckingChain

Deno.test("ErrorCheckingChain appends each link to the shared chain array", () => {
  const chain: ErrorCheckingChain[] = [];
  const a = new ErrorCheckingChain(chain, new ISO7816_9ErrorChecker());
  const b = new ErrorCheckingChain(chain, new ISO7816_8ErrorChecker());
  assert.deepEqual(chain, [a, b]);
  assert.equal(a.chain, chain);
  assert.equal(b.chain, chain);
});

Deno.test("ErrorCheckingChain next() gives the following link and null at the end; end() agrees", () => {
  const [a, b, c] = chainOf(
    new ISO7816_9ErrorChecker(),
    new ISO7816_8ErrorChecker(),
    new ISO7816_4ErrorChecker(),
  );
  assert.equal(a.next(), b);
  assert.equal(b.next(), c);
  assert.equal(c.next(), null);
  assert.deepEqual([a.end(), b.end(), c.end()], [false, false, true]);
});

Deno.test("ErrorCheckingChain: a link removed from its chain array counts as the end", () => {
  const chain = chainOf(new ISO7816_4ErrorChecker(), new ISO7816_4_SW1ErrorChecker());
  const [first] = chain.splice(0, 1);
  assert.equal(first.end(), true);
  assert.equal(first.next(), null);
  first.check([], 0x6c, 0x00); // only its own strategy runs
});

Deno.test("ErrorCheckingChain 9, 8, 4 raises what the first checker listing the SW raises (all 65536)", () => {
  const [head] = chainOf(
    new ISO7816_9ErrorChecker(),
    new ISO7816_8ErrorChecker(),
    new ISO7816_4ErrorChecker(),
  );
  const order = [fromSpec(ISO7816_9), fromSpec(ISO7816_8), fromSpec(ISO7816_4)];
  const expect = (sw1: number, sw2: number) =>
    order.map((f) => f(sw1, sw2)).find((o) => o !== null) ?? null;
  assert.deepEqual(mismatches(head, expect), []);
});

Deno.test("ErrorCheckingChain 4 then SW1: the SW1 checker catches what the ISO 7816-4 table leaves (all 65536)", () => {
  const [head] = chainOf(new ISO7816_4ErrorChecker(), new ISO7816_4_SW1ErrorChecker());
  const expect = (sw1: number, sw2: number) =>
    fromSpec(ISO7816_4)(sw1, sw2) ?? iso7816_4Sw1Rule(sw1);
  assert.deepEqual(mismatches(head, expect), []);
});

Deno.test("ErrorCheckingChain filtering WarningProcessingException silences every warning (all 65536)", () => {
  const [head] = chainOf(new ISO7816_4ErrorChecker(), new ISO7816_4_SW1ErrorChecker());
  head.addFilterException(WarningProcessingException);
  const warning = CLASS.W.name;
  const expect = (sw1: number, sw2: number) => {
    const first = fromSpec(ISO7816_4)(sw1, sw2);
    if (first !== null) return first.cls === warning ? null : first;
    const second = iso7816_4Sw1Rule(sw1);
    return second?.cls === warning ? null : second;
  };
  assert.deepEqual(mismatches(head, expect), []);
});

Deno.test("ErrorCheckingChain: a filtered exception stops the chain, later links do not run", () => {
  const ran: string[] = [];
  const [head] = chainOf(
    {
      check(data, sw1, sw2): never {
        ran.push("first");
        throw new WarningProcessingException(data, sw1, sw2, "w");
      },
    },
    {
      check(data, sw1, sw2): never {
        ran.push("second");
        throw new CheckingErrorException(data, sw1, sw2, "c");
      },
    },
  );
  head.addFilterException(WarningProcessingException);
  head.check([], 0x90, 0x00);
  assert.deepEqual(ran, ["first"]);
});

Deno.test("ErrorCheckingChain runs every link when none throws", () => {
  const ran: number[] = [];
  const [head] = chainOf(
    { check: () => void ran.push(1) },
    { check: () => void ran.push(2) },
    { check: () => void ran.push(3) },
  );
  head.check([], 0x90, 0x00);
  assert.deepEqual(ran, [1, 2, 3]);
});

Deno.test("ErrorCheckingChain addFilterException reaches this link and the following ones only", () => {
  const [a, b, c] = chainOf(
    new ISO7816_9ErrorChecker(),
    new ISO7816_8ErrorChecker(),
    new ISO7816_4ErrorChecker(),
  );
  b.addFilterException(CheckingErrorException);
  assert.deepEqual(a.excludes, []);
  assert.deepEqual(b.excludes, [CheckingErrorException]);
  assert.deepEqual(c.excludes, [CheckingErrorException]);
  // 6A 82 is first raised by ISO7816_8, where it is filtered: the chain stops silently.
  a.check([], 0x6a, 0x82);
  // 6A 89 is raised by ISO7816_9 in link a, which has no filter.
  assert.throws(() => a.check([], 0x6a, 0x89), CheckingErrorException);
});

Deno.test("ErrorCheckingChain: a link appended after addFilterException does not get the filter", () => {
  const chain = chainOf(new ISO7816_9ErrorChecker());
  chain[0].addFilterException(CheckingErrorException);
  const late = new ErrorCheckingChain(chain, new ISO7816_4ErrorChecker());
  assert.deepEqual(late.excludes, []);
  assert.throws(() => chain[0].check([], 0x6b, 0x00), CheckingErrorException);
});

Deno.test("ErrorCheckingChain: a subclass of a filtered class is not filtered, as pyscard", () => {
  class CardLockedWarning extends WarningProcessingException {}
  const [head] = chainOf({
    check(data, sw1, sw2): never {
      throw new CardLockedWarning(data, sw1, sw2, "locked");
    },
  });
  head.addFilterException(WarningProcessingException);
  assert.throws(() => head.check([], 0x62, 0x83), CardLockedWarning);
  head.addFilterException(CardLockedWarning);
  head.check([], 0x62, 0x83);
});

Deno.test("ErrorCheckingChain: filtering SWException does not filter its subclasses", () => {
  const [head] = chainOf(new ISO7816_4ErrorChecker());
  head.addFilterException(SWException);
  assert.throws(() => head.check([], 0x6a, 0x82), CheckingErrorException);
});

Deno.test("ErrorCheckingChain: a non-filtered exception propagates from a later link", () => {
  const [head] = chainOf(new ISO7816_9ErrorChecker(), new ISO7816_4ErrorChecker());
  head.addFilterException(WarningProcessingException);
  assert.throws(() => head.check([1], 0x6e, 0x00), {
    name: "CheckingErrorException",
    message: "Status word exception: checking error - Class (CLA) not supported!",
    sw1: 0x6e,
    sw2: 0x00,
  });
});

Deno.test("ErrorCheckingChain: errors other than SWException propagate untouched", () => {
  const boom = new TypeError("boom");
  const [head] = chainOf({
    check(): never {
      throw boom;
    },
  });
  head.addFilterException(WarningProcessingException);
  assert.throws(() => head.check([], 0x90, 0x00), (e: unknown) => e === boom);
  const [raw] = chainOf({
    check(): never {
      throw "a string";
    },
  });
  raw.addFilterException(WarningProcessingException);
  assert.throws(() => raw.check([], 0x90, 0x00), (e: unknown) => e === "a string");
});

Deno.test("ErrorCheckingChain is itself an ErrorChecker and can be a strategy of another chain", () => {
  const [inner] = chainOf(new ISO7816_9ErrorChecker());
  const [outer] = chainOf(inner, new ISO7816_4ErrorChecker());
  assert.throws(() => outer.check([], 0x6a, 0x8a), /DF name already exists/);
  assert.throws(() => outer.check([], 0x6a, 0x83), /Record not found/);
  outer.check([], 0x90, 0x00);
});
