/**
 * A pcsc_scan-like live view: readers and cards coming and going, with time stamps, through
 * pyscard's observer API.
 *
 * `deno run --allow-ffi --allow-env examples/card_monitor.ts [SECONDS]` (default: until Ctrl-C)
 *
 * @module
 */

import {
  type Card,
  CardMonitor,
  type CardObserver,
  type Reader,
  ReaderMonitor,
  type ReaderObserver,
} from "../mod.ts";

const stamp = () => new Date().toISOString().slice(11, 23);

const readerObserver: ReaderObserver = {
  update(_monitor, [added, removed]: [Reader[], Reader[]]) {
    for (const reader of added) console.log(`${stamp()}  reader +  ${reader}`);
    for (const reader of removed) console.log(`${stamp()}  reader -  ${reader}`);
  },
  serviceChanged(_monitor, available) {
    console.log(`${stamp()}  PC/SC service ${available ? "back" : "lost"}`);
  },
};

const cardObserver: CardObserver = {
  update(_monitor, [added, removed]: [Card[], Card[]]) {
    for (const card of removed) console.log(`${stamp()}  card   -  ${card}`);
    for (const card of added) console.log(`${stamp()}  card   +  ${card}`);
  },
};

const readers = new ReaderMonitor();
const cards = new CardMonitor();
readers.addObserver(readerObserver);
cards.addObserver(cardObserver);

const seconds = Number(Deno.args[0] ?? Infinity);
await new Promise<void>((resolve) => {
  const stop = () => {
    clearTimeout(timer);
    Deno.removeSignalListener("SIGINT", stop);
    resolve();
  };
  const timer = Number.isFinite(seconds) ? setTimeout(stop, seconds * 1000) : undefined;
  Deno.addSignalListener("SIGINT", stop);
});
// with its observers gone, nothing is pending: the process ends
readers.deleteObserver(readerObserver);
cards.deleteObserver(cardObserver);
console.log(`${stamp()}  done`);
