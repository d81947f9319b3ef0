/**
 * Readers plugged in and out, as pyscard's ReaderMonitor reports them: no polling.
 *
 * `deno run --allow-ffi --allow-env examples/reader_monitor.ts [SECONDS]` (default: until Ctrl-C)
 *
 * @module
 */

import { ReaderMonitor, type ReaderObserver } from "../mod.ts";

const observer: ReaderObserver = {
  update(_monitor, [added, removed]) {
    console.log(`added: [${added.join(", ")}]  removed: [${removed.join(", ")}]`);
  },
};

const monitor = new ReaderMonitor();
monitor.addObserver(observer);
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
monitor.deleteObserver(observer);
