/**
 * The connection `send`, `script` and `atr` use: to the reader --reader names, or else to
 * the first reader with a card, connected with T=0 or T=1.
 *
 * @module
 */

import type { CardConnection } from "../../mod.ts";
import { chooseReader } from "./readers.ts";

/** A connected connection, released by `using`. */
export async function openConnection(
  reader: string | undefined,
  t0Handling: boolean,
): Promise<CardConnection> {
  const chosen = await chooseReader(reader, true);
  const connection = chosen.createConnection();
  try {
    await connection.connect();
  } catch (error) {
    connection.release();
    throw error;
  }
  if (t0Handling) connection.setT0ResponseHandling(true);
  return connection;
}
