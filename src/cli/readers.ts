/**
 * The readers as the card utility sees them: their states in one look, and the one a command
 * is pointed at with --reader.
 *
 * @module
 */

import { CardRequestException, PcscError, Reader, readerStates } from "../../mod.ts";
import { UsageError } from "./options.ts";

/** A reader and what is in it. */
export interface ReaderLook {
  readonly index: number;
  readonly name: string;
  /** "card": a card answers; "mute": a card that does not; "empty". */
  readonly state: "card" | "mute" | "empty";
  readonly atr: readonly number[];
}

const LOOK_MS = 5000;

/** Every reader's state now (one SCardGetStatusChange). */
export async function lookAtReaders(): Promise<ReaderLook[]> {
  let states;
  try {
    states = await readerStates({ timeoutMs: LOOK_MS });
  } catch (error) {
    if (!(error instanceof PcscError)) throw error;
    // as the pyscard facade reports a failed call: its code, and what it means here
    const hint = error.hint === null ? "" : ` ${error.hint}`;
    const failure = new CardRequestException("Failed to look at the readers", error.code, {
      cause: error,
    });
    failure.message += hint;
    throw failure;
  }
  if (states === null) throw new CardRequestException("The PC/SC service did not answer");
  return states.map((report, index) => {
    const state = !report.present ? "empty" : report.mute ? "mute" : "card";
    return { index, name: report.reader, state, atr: state === "card" ? report.atr : [] };
  });
}

/**
 * The reader `spec` names (an index into the list, or a name), or without one the first
 * reader with a card in it (`wantCard`) or the first reader.
 */
export async function chooseReader(spec: string | undefined, wantCard: boolean): Promise<Reader> {
  const looks = await lookAtReaders();
  if (looks.length === 0) throw new CardRequestException("No reader found");
  if (spec === undefined) {
    const chosen = (wantCard ? looks.find((l) => l.state === "card") : undefined) ?? looks[0];
    return new Reader(chosen.name);
  }
  const byIndex = /^\d+$/.test(spec) ? looks[Number(spec)] : undefined;
  const chosen = byIndex ?? looks.find((l) => l.name === spec);
  if (chosen === undefined) {
    const known = looks.map((l) => `${l.index}: ${l.name}`).join(", ");
    throw new UsageError(`no reader ${JSON.stringify(spec)} (readers: ${known})`);
  }
  return new Reader(chosen.name);
}
