// The bookkeeping behind CardRequest: what counts as a card coming or going, and which
// readers are watched as readers come and go (the PnP side), without any native call.
import assert from "node:assert/strict";
import {
  arrived,
  diffPresence,
  type Presence,
  presenceOf,
} from "../../src/smartcard/monitoring/card_presence.ts";
import { watchedReaders } from "../../src/pcsc/reader_watch.ts";
import { decodeReaderState } from "../../src/pcsc/reader_state.ts";

const PRESENT = 0x20;
const EMPTY = 0x10;
const MUTE = 0x200;
const CHANGED = 0x2;
const ATR = [0x3B, 0x02, 0x14, 0x50];
const OTHER = [0x3B, 0x82, 0x01, 0x54, 0x31, 0xE6];

const card = (events: number, atr = ATR): Presence => ({ present: true, atr, events });
const none = (events: number): Presence => ({ present: false, atr: [], events });

Deno.test("presenceOf reads presence, ATR and the event count in the high 16 bits", () => {
  assert.deepEqual(
    presenceOf({ reader: "A", ...decodeReaderState((3 << 16) | PRESENT | CHANGED, ATR) }),
    {
      present: true,
      atr: ATR,
      events: 3,
    },
  );
  assert.deepEqual(
    presenceOf({ reader: "A", ...decodeReaderState((4 << 16) | EMPTY, ATR) }),
    none(4),
  );
});

Deno.test("a mute card (present, no valid ATR) is no card", () => {
  assert.equal(
    presenceOf({ reader: "A", ...decodeReaderState(PRESENT | MUTE, []) }).present,
    false,
  );
});

Deno.test("watchedReaders: all readers, or the filter's that exist now, in filter order", () => {
  assert.deepEqual(watchedReaders(["A", "B"], null), ["A", "B"]);
  assert.deepEqual(watchedReaders(["A", "B"], ["B", "C"]), ["B"]);
  assert.deepEqual(watchedReaders([], ["B"]), []);
  // a filtered reader plugged in later is watched from then on
  assert.deepEqual(watchedReaders(["A", "B", "C"], ["C", "B"]), ["C", "B"]);
});

Deno.test("arrived: a card in a reader that had none, or was not known, or was replaced", () => {
  assert.equal(arrived(none(0), card(1)), true);
  assert.equal(arrived(undefined, card(0)), true, "a card already in a newly plugged reader");
  assert.equal(arrived(card(1), card(1)), false);
  assert.equal(arrived(card(1), card(3)), true, "out and back in between two looks");
  assert.equal(arrived(card(1), card(1, OTHER)), true, "another card");
  assert.equal(arrived(card(1), none(2)), false);
});

Deno.test("diffPresence: insertions and removals between two pictures", () => {
  const before = new Map([["A", card(1)], ["B", none(0)], ["C", card(5)]]);
  const after = new Map([["A", none(2)], ["B", card(1, OTHER)], ["C", card(5)]]);
  assert.deepEqual(diffPresence(before, after), {
    inserted: [{ reader: "B", atr: OTHER }],
    removed: [{ reader: "A", atr: ATR }],
  });
});

Deno.test("diffPresence: a reader unplugged with its card is a removal", () => {
  const before = new Map([["A", card(1)], ["B", card(1)]]);
  const after = new Map([["B", card(1)]]);
  assert.deepEqual(diffPresence(before, after), {
    inserted: [],
    removed: [{ reader: "A", atr: ATR }],
  });
});

Deno.test("diffPresence: a reader plugged in with a card is an insertion", () => {
  const after = new Map([["A", none(0)], ["NEW", card(1, OTHER)]]);
  assert.deepEqual(diffPresence(new Map([["A", none(0)]]), after), {
    inserted: [{ reader: "NEW", atr: OTHER }],
    removed: [],
  });
});

Deno.test("diffPresence: several changes in one reader between two looks are not lost", () => {
  // removed and inserted again: the event count moved by two, the ATR is the same
  assert.deepEqual(diffPresence(new Map([["A", card(1)]]), new Map([["A", card(3)]])), {
    inserted: [{ reader: "A", atr: ATR }],
    removed: [{ reader: "A", atr: ATR }],
  });
  // a card swapped for another
  assert.deepEqual(diffPresence(new Map([["A", card(1)]]), new Map([["A", card(3, OTHER)]])), {
    inserted: [{ reader: "A", atr: OTHER }],
    removed: [{ reader: "A", atr: ATR }],
  });
  // nothing happened
  assert.deepEqual(diffPresence(new Map([["A", card(1)]]), new Map([["A", card(1)]])), {
    inserted: [],
    removed: [],
  });
});

Deno.test("diffPresence from nothing reports every card present (waitforcardevent's first call)", () => {
  const now = new Map([["A", card(0)], ["B", none(0)], ["C", card(2, OTHER)]]);
  assert.deepEqual(diffPresence(new Map(), now).inserted.map((c) => c.reader), ["A", "C"]);
});

Deno.test("after a service restart, event counts start again: only presence and ATR compare", () => {
  const before = presenceOf({ reader: "A", ...decodeReaderState((7 << 16) | PRESENT, ATR) });
  const after = presenceOf({
    reader: "A",
    ...decodeReaderState((1 << 16) | PRESENT, ATR),
    restarted: true,
  });
  assert.equal(after.events, null);
  assert.equal(arrived(before, after), false, "the same card, present throughout");
  assert.equal(arrived(before, { ...after, atr: OTHER }), true, "another card");
  // and the next report, counted by the new service, compares with the restarted one
  const next = presenceOf({ reader: "A", ...decodeReaderState((1 << 16) | PRESENT, ATR) });
  assert.equal(arrived(after, next), false);
});
