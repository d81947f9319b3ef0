/**
 * PC/SC Part 10 against the virtual reader, which implements no control code: the feature
 * request fails clearly, with the PC/SC code and the control code it tried.
 */

import assert from "node:assert/strict";
import {
  CardConnection,
  CardConnectionException,
  getFeatureRequest,
  getTlvProperties,
  readers,
} from "../../mod.ts";
import { ATR_T1 } from "../cards/atrs.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";
import { cardPresent } from "../../src/testing/presence.ts";

const { stack, skipped, onStack } = await stackFixture();
const [READER0] = skipped ? [""] : stack.readerNames;

onStack("a reader without Part 10: getFeatureRequest fails with a clear error", async () => {
  await using card = stack.card({ atr: ATR_T1, reader: 0 });
  await card.insert();
  await cardPresent(READER0);
  {
    using connection = readers().find((r) => r.name === READER0)!.createConnection();
    await connection.connect(CardConnection.T1_protocol);
    for (const ask of [getFeatureRequest, getTlvProperties]) {
      await assert.rejects(ask(connection), (e: unknown) => {
        assert.ok(e instanceof CardConnectionException);
        assert.equal(e.hresult, 0x8010001F);
        assert.match(e.message, /^Failed to control 0x42000D48: /);
        return true;
      });
    }
  }
  await card.remove();
  await cardPresent(READER0, false);
});
