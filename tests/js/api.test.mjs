// The API client's pure parts (site/assets/js/lib/api.js): the token only in a header, from the fragment.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fragment, headersFor, parseBody } from "../../site/assets/js/lib/api.js";

test("the link's token is read from the fragment", () => {
  const params = fragment("#t=abc.def&b=B1&from=data");
  assert.equal(params.get("t"), "abc.def");
  assert.equal(params.get("b"), "B1");
  assert.equal(fragment("").get("t"), null);
});

test("headers: JSON, the language, and the token only when there is one", () => {
  assert.deepEqual(headersFor({ a: 1 }, "tok", "en"), {
    "Accept": "application/json", "Accept-Language": "en", "Content-Type": "application/json",
    "Authorization": "Bearer tok",
  });
  assert.deepEqual(headersFor(undefined, null, "sv"), { "Accept": "application/json", "Accept-Language": "sv" });
  assert.equal("Authorization" in headersFor(null, "", "sv"), false);
});

test("a body is JSON or null (an empty 204, a page of HTML, broken JSON)", () => {
  assert.deepEqual(parseBody('{"a":1}', "application/json"), { a: 1 });
  assert.equal(parseBody("", "application/json"), null);
  assert.equal(parseBody("<html>", "text/html"), null);
  assert.equal(parseBody("{broken", "application/json"), null);
});
