/**
 * pyscard's PCSCExceptions where pyscard throws them, on the real pcscd: the reader-group
 * calls, which pcsc-lite does not support. The messages are what pyscard 2.3.1 printed for
 * the same calls on this stack, then this module's hint.
 */

import assert from "node:assert/strict";
import {
  BaseSCardException,
  IntroduceReaderException,
  readergroups,
  readers,
  RemoveReaderFromGroupException,
} from "../../mod.ts";
import "../../src/testing/library.ts";
import { stackFixture } from "../support/fixture.ts";

const { stack: live, onStack } = await stackFixture();

onStack("addtoreadergroup on pcsc-lite: IntroduceReaderException, as pyscard", () => {
  const [reader] = readers();
  assert.throws(() => reader.addtoreadergroup("g"), (e: unknown) => {
    assert.ok(e instanceof IntroduceReaderException);
    assert.ok(e instanceof BaseSCardException);
    assert.equal(e.hresult, 0x8010001F);
    assert.equal(e.readername, reader.name);
    assert.equal(
      e.message,
      `Failed to introduce a new reader: ${reader.name}: Feature not supported. (0x8010001F)` +
        " Reader groups are read-only here.",
    );
    return true;
  });
});

onStack("removefromreadergroup on pcsc-lite: RemoveReaderFromGroupException, as pyscard", () => {
  const [reader] = readers();
  assert.throws(() => reader.removefromreadergroup("g"), (e: unknown) => {
    assert.ok(e instanceof RemoveReaderFromGroupException);
    assert.equal(
      e.message,
      `Failed to remove reader: ${reader.name} from group: g: Feature not supported. ` +
        "(0x8010001F) Reader groups are read-only here.",
    );
    return true;
  });
});

onStack("readergroups on pcsc-lite: its one group", () => {
  assert.deepEqual(readergroups(), ["SCard$DefaultReaders"]);
});

onStack("pcsc exceptions tests: stop the daemon (cleanup)", () => live[Symbol.asyncDispose]());
