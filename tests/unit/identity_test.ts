// One object per reader and per card: what pyscard's `in` finds by __eq__, `includes` finds
// here by identity. The real stack's side (monitors, requests, readers()) is in
// tests/integration/identity_test.ts.
import assert from "node:assert/strict";
import { decodeReaderState } from "../../src/pcsc/reader_state.ts";
import type { ReaderReport } from "../../src/pcsc/reader_watch.ts";
import { cardIn, readerNamed } from "../../src/smartcard/readers/identity.ts";
import { CardChanges, ReaderChanges } from "../../src/smartcard/monitoring/reader_changes.ts";
import { Card } from "../../src/smartcard/readers/card.ts";
import { Reader } from "../../src/smartcard/readers/reader.ts";

const PRESENT = 0x20;
const EMPTY = 0x10;
const ATR = [0x3B, 0x02, 0x14, 0x50];

function report(reader: string, atr: number[] | null, events = 0): ReaderReport {
  return { reader, ...decodeReaderState((atr ? PRESENT : EMPTY) | (events << 16), atr ?? []) };
}

Deno.test("the card a removal reports is the object its insertion reported", () => {
  const changes = new CardChanges();
  const first = changes.next([report("Reader A", ATR, 1)])!;
  const gone = changes.next([report("Reader A", null, 2)])!;
  assert.equal(first.inserted.length, 1);
  assert.equal(gone.removed[0], first.inserted[0]);
  assert.ok(first.inserted.includes(gone.removed[0]));
});

Deno.test("two listeners are handed the same Card and Reader objects", () => {
  const a = new CardChanges();
  const b = new CardChanges(["Reader A"]);
  const seen = [report("Reader A", ATR, 1)];
  const cardA = a.next(seen)!.inserted[0];
  const cardB = b.next(seen)!.inserted[0];
  assert.equal(cardA, cardB);
  const readersA = new ReaderChanges().next(seen)!.added;
  const readersB = new ReaderChanges().next(seen)!.added;
  assert.equal(readersA[0], readersB[0]);
  assert.equal(cardA.reader, readersA[0]);
});

Deno.test("a card taken out and put back in one look is one object, removed and inserted", () => {
  const changes = new CardChanges();
  const card = changes.next([report("Reader A", ATR, 1)])!.inserted[0];
  const swap = changes.next([report("Reader A", ATR, 3)])!;
  assert.deepEqual([swap.removed, swap.inserted], [[card], [card]]);
});

Deno.test("another ATR or another reader is another Card", () => {
  const card = cardIn("Reader A", ATR);
  assert.notEqual(cardIn("Reader A", [0x3B, 0x00]), card);
  assert.notEqual(cardIn("Reader B", ATR), card);
  assert.equal(cardIn("Reader A", [...ATR]), card);
  assert.ok(card.equals(new Card("Reader A", ATR)));
});

Deno.test("an interned card's ATR cannot be changed under the others who hold it", () => {
  const card = cardIn("Reader A", ATR);
  assert.throws(() => card.atr.push(0), TypeError);
  assert.deepEqual(card.atr, ATR);
});

Deno.test("new Reader and new Card still make objects of their own, as pyscard's constructors", () => {
  assert.notEqual(new Reader("Reader A"), readerNamed("Reader A"));
  assert.notEqual(new Card("Reader A", ATR), cardIn("Reader A", ATR));
});

Deno.test("console.log prints a reader, a card and lists of them as pyscard's print", () => {
  const reader = readerNamed("Reader A");
  const card = cardIn("Reader A", ATR);
  assert.equal(Deno.inspect(reader), "Reader A");
  assert.equal(Deno.inspect([reader]), "[ 'Reader A' ]");
  assert.equal(Deno.inspect(card), "3B 02 14 50 / Reader A");
  assert.equal(Deno.inspect([card]), "[ 3B 02 14 50 / Reader A ]");
});
