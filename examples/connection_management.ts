/**
 * The specification's "Connection Management": the first reader, a T=1 connection, a
 * GET CHALLENGE.
 *
 * `deno run --allow-ffi --allow-env examples/connection_management.ts`
 *
 * @module
 */

import { readers } from "../mod.ts";

// Get first reader and create connection
const reader_list = readers();
if (reader_list.length) {
  const reader = reader_list[0];
  const connection = reader.createConnection();

  try {
    // Connect with specific protocol
    await connection.connect(connection.T1_protocol);
    console.log("Connected using T=1 protocol");

    // Check active protocol
    const protocol = connection.getProtocol();
    console.log(`Active protocol: ${protocol}`);

    // Transmit command
    const GET_CHALLENGE = [0x00, 0x84, 0x00, 0x00, 0x08];
    const [response, sw1, sw2] = await connection.transmit(GET_CHALLENGE);

    if (sw1 === 0x90 && sw2 === 0x00) {
      console.log(
        `Challenge: ${
          response.map((b) => b.toString(16).toUpperCase().padStart(2, "0")).join(" ")
        }`,
      );
    }
  } catch (e) {
    console.log(`Connection error: ${e}`);
  } finally {
    connection.disconnect();
    // pyscard frees the context when the object is collected; here it is said
    connection.release();
  }
}
