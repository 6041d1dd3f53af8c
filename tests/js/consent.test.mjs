// The rule of a stored cookie choice (site/assets/js/lib/consent.js; early.js repeats it before the paint).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_AGE_MS, isCurrent, validRecord } from "../../site/assets/js/lib/consent.js";

const given = "2026-12-01T10:00:00.000Z";
const record = { id: "a", choices: { necessary: true, analytics: false }, policy_version: "2.1", given_at: given };
const at = (iso) => Date.parse(iso);

test("a choice holds for its notice's version, for a year", () => {
  assert.equal(isCurrent(record, "2.1", at("2026-12-02T00:00:00Z")), true);
  assert.equal(isCurrent(record, "2.1", Date.parse(given) + MAX_AGE_MS - 1), true);
  assert.equal(isCurrent(record, "2.1", Date.parse(given) + MAX_AGE_MS), false);
  assert.equal(isCurrent(record, "2.2", at("2026-12-02T00:00:00Z")), false); // a new notice: asked again
});

test("anything else stored is no choice", () => {
  for (const bad of [null, "x", {}, { ...record, id: 1 }, { ...record, choices: null }]) {
    assert.equal(validRecord(bad), null);
    assert.equal(isCurrent(bad, "2.1", at("2026-12-02T00:00:00Z")), false);
  }
  assert.equal(isCurrent({ ...record, given_at: "no date" }, "2.1", at("2026-12-02T00:00:00Z")), false);
});
