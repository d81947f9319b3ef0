// The pyscard facade on the scripted PC/SC, once for each platform's ABI: what a script does
// (readers, connect, transmit, T=0's follow-ups, CardRequest, the monitors) reaches the PC/SC
// it was handed, with that platform's constants, and leaves nothing open.
import assert from "node:assert/strict";
import { type Abi, LINUX_ABI, MACOS_ABI, WINDOWS_ABI } from "../../src/ffi/abi.ts";
import { SCARD_PROTOCOL_T0 } from "../../src/pcsc/protocols.ts";
import {
  type Card,
  CardConnection,
  CardMonitor,
  CardRequest,
  type Reader,
  ReaderMonitor,
  SmartcardException,
  watchCards,
} from "../../mod.ts";
import { feedOf } from "../../src/pcsc/reader_feed.ts";
import { readersOf } from "../../src/smartcard/readers/system.ts";
import { ScriptedPcsc } from "../support/scripted_pcsc.ts";

const A = "Reader A";
const B = "Reader B";
const ATR = [0x3B, 0x02, 0x14, 0x50];

const PLATFORMS: readonly (readonly [string, Abi])[] = [
  ["Linux", LINUX_ABI],
  ["macOS", MACOS_ABI],
  ["Windows", WINDOWS_ABI],
];

/** A scripted service playing `abi` (macOS has no PnP notification). */
function service(name: string, abi: Abi): ScriptedPcsc {
  return new ScriptedPcsc({ abi, pnp: name !== "macOS" });
}

/** Values pushed by callbacks, taken in order: `next()` waits for the next one to come. */
class Inbox<T> {
  readonly #items: T[] = [];
  readonly #takers: ((item: T) => void)[] = [];
  push = (item: T): void => {
    const taker = this.#takers.shift();
    if (taker) taker(item);
    else this.#items.push(item);
  };
  next(): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve) => this.#takers.push(resolve));
  }
}

/** Resolves when the next SCardGetStatusChange that may block has been handed to `pcsc`. */
function nextBlockingWait(pcsc: ScriptedPcsc): Promise<void> {
  const original = pcsc.getStatusChange;
  return new Promise((resolve) => {
    pcsc.getStatusChange = (context, timeoutMs, states) => {
      const rv = original.call(pcsc, context, timeoutMs, states);
      if (timeoutMs > 0) {
        pcsc.getStatusChange = original;
        resolve();
      }
      return rv;
    };
  });
}

const cardNames = (cards: readonly Card[]) => cards.map(String);
const readerNames = (readers: readonly Reader[]) => readers.map((r) => r.name);

for (const [platform, abi] of PLATFORMS) {
  Deno.test(`${platform}: readers() lists the handed PC/SC's readers; none where its service stops without them`, () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A, ATR);
    pcsc.plug(B);
    const readers = readersOf(pcsc);
    assert.deepEqual(readerNames(readers), [A, B]);
    assert.ok(readers.every((r) => r.pcsc === pcsc), "each Reader keeps the PC/SC it came from");
    assert.equal(pcsc.liveContexts, 0);

    const stopped = new ScriptedPcsc({ abi, running: false });
    if (abi.serviceStopsWithoutReaders) assert.deepEqual(readersOf(stopped), []);
    else assert.throws(() => readersOf(stopped), SmartcardException);
  });

  Deno.test(`${platform}: connect, transmit and disconnect go to the reader's PC/SC`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A, ATR);
    const [reader] = readersOf(pcsc);
    const connection = reader.createConnection();
    await connection.connect();
    assert.deepEqual(connection.getATR(), ATR);
    assert.equal(connection.getProtocol(), CardConnection.T1_protocol);
    assert.deepEqual(await connection.transmit([0x00, 0xA4, 0x04, 0x00]), [[], 0x90, 0x00]);
    assert.deepEqual(connection.transmitSync([0x00, 0xB0, 0x00, 0x00, 0x00]), [[], 0x90, 0x00]);
    assert.deepEqual(
      pcsc.calls.filter((c) => c.call === "SCardTransmit").map((c) => c.bytes),
      [[0x00, 0xA4, 0x04, 0x00], [0x00, 0xB0, 0x00, 0x00, 0x00]],
    );
    connection.disconnect();
    assert.equal(pcsc.liveCards, 0);
    connection.release();
    assert.equal(pcsc.liveContexts, 0);
  });

  Deno.test(`${platform}: RAW_protocol is this platform's SCARD_PROTOCOL_RAW (0x${abi.protocolRaw.toString(16)})`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A, ATR);
    pcsc.offer(A, 0);
    using connection = readersOf(pcsc)[0].createConnection();
    await connection.connect(CardConnection.RAW_protocol);
    assert.equal(connection.getProtocol(), CardConnection.RAW_protocol);
    await connection.transmit([0xFF, 0xCA, 0x00, 0x00, 0x00]);
    const connect = pcsc.calls.find((c) => c.call === "SCardConnect");
    const transmit = pcsc.calls.find((c) => c.call === "SCardTransmit");
    assert.equal(connect?.protocols, abi.protocolRaw);
    assert.equal(transmit?.protocols, abi.protocolRaw);
  });

  Deno.test(`${platform}: T=0 handling sends 6Cxx's command again and 61xx's GET RESPONSE`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A, ATR);
    pcsc.offer(A, SCARD_PROTOCOL_T0);
    const card = new Map<string, number[]>([
      ["00 B0 00 00 00", [0x6C, 0x04]],
      ["00 B0 00 00 04", [1, 2, 3, 4, 0x61, 0x02]],
      ["00 C0 00 00 02", [5, 6, 0x90, 0x00]],
    ]);
    pcsc.answer = (apdu) => {
      const key = [...apdu].map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ");
      return card.get(key) ?? [0x6D, 0x00];
    };
    using connection = readersOf(pcsc)[0].createConnection();
    await connection.connect(CardConnection.T0_protocol);
    assert.deepEqual(
      await connection.transmit([0x00, 0xB0, 0x00, 0x00, 0x00]),
      [[], 0x6C, 0x04],
      "off by default: the card's answer as it is",
    );
    connection.setT0ResponseHandling(true);
    assert.deepEqual(
      await connection.transmit([0x00, 0xB0, 0x00, 0x00, 0x00]),
      [[1, 2, 3, 4, 5, 6], 0x90, 0x00],
    );
    assert.deepEqual(
      connection.transmitSync([0x00, 0xB0, 0x00, 0x00, 0x00]),
      [[1, 2, 3, 4, 5, 6], 0x90, 0x00],
      "the same follow-ups, blocking",
    );
    const sent = pcsc.calls.filter((c) => c.call === "SCardTransmit");
    assert.ok(sent.every((c) => c.protocols === SCARD_PROTOCOL_T0));
    assert.equal(sent.length, 7);
  });

  Deno.test(`${platform}: CardRequest waits for a card inserted, and reports insertions and removals`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A);
    {
      using request = new CardRequest({ pcsc, timeout: 10, newcardonly: true });
      assert.deepEqual(readerNames(request.getReaders()), [A]);
      const waiting = nextBlockingWait(pcsc);
      const found = request.waitforcard();
      await waiting;
      pcsc.insert(A, ATR);
      using cardService = await found;
      const connection = cardService.connection;
      assert.equal(connection.getReader().pcsc, pcsc);
      await connection.connect();
      assert.deepEqual(connection.getATR(), ATR);
      connection.release();

      using events = new CardRequest({ pcsc, timeout: 10 });
      const [present] = await events.waitforcardevent();
      assert.deepEqual(cardNames(present), [`3B 02 14 50 / ${A}`]);
      const waitingAgain = nextBlockingWait(pcsc);
      const next = events.waitforcardevent();
      await waitingAgain;
      pcsc.remove(A);
      const [inserted, removed] = await next;
      assert.deepEqual([cardNames(inserted), cardNames(removed)], [[], [`3B 02 14 50 / ${A}`]]);
    }
    assert.equal(pcsc.liveContexts, 0);
    assert.equal(pcsc.pendingWaits, 0);
  });

  Deno.test(`${platform}: CardMonitor and ReaderMonitor tell of cards and readers on the handed PC/SC`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A, ATR);
    const cards = new Inbox<[string[], string[]]>();
    const readers = new Inbox<[string[], string[]]>();
    const cardMonitor = new CardMonitor(pcsc);
    const readerMonitor = new ReaderMonitor(pcsc);
    let seenCard: Card | undefined;
    const cardObserver = {
      update(_m: CardMonitor, [added, removed]: [Card[], Card[]]) {
        seenCard ??= added[0];
        cards.push([cardNames(added), cardNames(removed)]);
      },
    };
    const readerObserver = {
      update(_m: ReaderMonitor, [added, removed]: [Reader[], Reader[]]) {
        readers.push([readerNames(added), readerNames(removed)]);
      },
    };
    cardMonitor.addObserver(cardObserver);
    readerMonitor.addObserver(readerObserver);
    assert.deepEqual(await cards.next(), [[`3B 02 14 50 / ${A}`], []]);
    assert.deepEqual(await readers.next(), [[A], []]);

    // the card reported connects through the same PC/SC
    assert.equal(seenCard?.reader.pcsc, pcsc);
    const connection = seenCard!.createConnection();
    await connection.connect();
    connection.release();

    pcsc.plug(B);
    assert.deepEqual(await readers.next(), [[B], []]);
    pcsc.remove(A);
    assert.deepEqual(await cards.next(), [[], [`3B 02 14 50 / ${A}`]]);
    pcsc.unplug(B);
    assert.deepEqual(await readers.next(), [[], [B]]);

    // one shared wait for both monitors, ended by the last observer's removal
    assert.equal(feedOf(pcsc).listeners, 2);
    cardMonitor.deleteObserver(cardObserver);
    readerMonitor.deleteObservers();
    await feedOf(pcsc).idle();
    assert.equal(pcsc.pendingWaits, 0);
    assert.equal(pcsc.liveContexts, 0);
  });

  Deno.test(`${platform}: watchCards iterates the handed PC/SC's cards`, async () => {
    const pcsc = service(platform, abi);
    pcsc.plug(A);
    const events = watchCards({ pcsc });
    assert.deepEqual((await events.next()).value, { inserted: [], removed: [] });
    pcsc.insert(A, ATR);
    const { value } = await events.next();
    assert.deepEqual(cardNames(value.inserted), [`3B 02 14 50 / ${A}`]);
    assert.equal(value.inserted[0].reader.pcsc, pcsc);
    await events.return?.();
    await feedOf(pcsc).idle();
    assert.equal(pcsc.liveContexts, 0);
  });
}
