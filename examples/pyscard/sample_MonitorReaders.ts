/**
 * pyscard's `sample_MonitorReaders.py`, ported: print the readers added and removed for ten
 * seconds (or as many as the first argument says).
 *
 * `deno run --allow-ffi examples/pyscard/sample_MonitorReaders.ts [seconds]`
 *
 * @module
 */

import { type Reader, ReaderMonitor, ReaderObserver } from "../../mod.ts";

/** A simple reader observer that prints the readers added and removed. */
class printobserver extends ReaderObserver {
  override update(_observable: ReaderMonitor, handlers: [Reader[], Reader[]]): void {
    const [addedreaders, removedreaders] = handlers;
    console.log("Added readers", addedreaders);
    console.log("Removed readers", removedreaders);
  }
}

const seconds = Number(Deno.args[0] ?? 10);
console.log("Add or remove a smartcard reader to the system.");
console.log(`This program will exit in ${seconds} seconds`);
console.log("");
const readermonitor = new ReaderMonitor();
const readerobserver = new printobserver();
readermonitor.addObserver(readerobserver);

await new Promise((resolve) => setTimeout(resolve, seconds * 1000));

// don't forget to remove observer, or the
// monitor will wait forever...
readermonitor.deleteObserver(readerobserver);
