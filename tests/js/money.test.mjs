// Kronor as on the price list and in the e-mails (site/assets/js/lib/money.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { kronor } from "../../site/assets/js/lib/money.js";

test("Swedish groups thousands with a no-break space, English with a comma", () => {
  assert.equal(kronor(300, "sv"), "300");
  assert.equal(kronor(1200, "sv"), "1\u00a0200");
  assert.equal(kronor(1234567, "sv"), "1\u00a0234\u00a0567");
  assert.equal(kronor(1200, "en"), "1,200");
  assert.equal(kronor(0, "sv"), "0");
});

test("whole kronor only", () => {
  assert.equal(kronor(1199.6, "sv"), "1\u00a0200");
  assert.equal(kronor(99.4, "en"), "99");
});
