// Page texts (site/assets/js/lib/texts.js): every placeholder filled, one fallback rule, plural variants.
import assert from "node:assert/strict";
import { test } from "node:test";

import { cssString, fillIn, pageTexts, textsFrom } from "../../site/assets/js/lib/texts.js";

const page = {
  "booked": "{service} {when}: {service} är bokad",
  "days-found": "Lediga tider finns på {n} dagar.",
  "days-found-one": "Lediga tider finns på {n} dag.",
  "empty": "",
  "plain": "Välj en tid.",
};
const find = (key) => (key in page ? page[key] : null);

test("every placeholder is filled, each time it occurs", () => {
  assert.equal(fillIn("{a} och {b}, {a} igen", { a: "1", b: 2 }), "1 och 2, 1 igen");
  const t = textsFrom(find, "sv");
  assert.equal(t("booked", { service: "Peeling", when: "tisdag" }), "Peeling tisdag: Peeling är bokad");
});

test("a value is text, never a pattern: $ and braces in it stay as they are", () => {
  assert.equal(fillIn("Hej {name}", { name: "$& {name} $1" }), "Hej $& {name} $1");
  assert.equal(fillIn("{a} och {b}", { a: "{b}", b: "x" }), "{b} och x"); // one pass
  assert.equal(fillIn("{a} och {b}", { a: "1" }), "1 och {b}"); // nothing to fill it with: it stays
});

test("one fallback rule: a text the page lacks is its key; has() tells", () => {
  const t = textsFrom(find, "sv");
  assert.equal(t("missing"), "missing");
  assert.equal(t("missing", { n: 2 }), "missing");
  assert.equal(t.has("missing"), false);
  assert.equal(t.has("plain"), true);
  assert.equal(t("empty"), ""); // an empty text is a text
  assert.equal(t.has("empty"), true);
});

test("a count takes the plural form's variant when the page has one", () => {
  const sv = textsFrom(find, "sv");
  assert.equal(sv("days-found", { n: 1 }), "Lediga tider finns på 1 dag.");
  assert.equal(sv("days-found", { n: 3 }), "Lediga tider finns på 3 dagar.");
  assert.equal(sv("days-found", { n: 0 }), "Lediga tider finns på 0 dagar.");
  assert.equal(sv("plain", { n: 1 }), "Välj en tid."); // no variant: the plain key
  assert.equal(sv("days-found", { n: "1" }), "Lediga tider finns på 1 dagar."); // only numbers count
});

test("the page's elements: data-text by default, or another kind (data-status)", () => {
  const asked = [];
  const root = {
    querySelector(selector) {
      asked.push(selector);
      if (selector === '[data-text="plain"]') return { textContent: "Välj en tid." };
      if (selector === '[data-status="confirmed"]') return { textContent: "Bekräftad" };
      return null;
    },
  };
  assert.equal(pageTexts(root, "sv")("plain"), "Välj en tid.");
  assert.equal(pageTexts(root, "sv", "status")("confirmed"), "Bekräftad");
  assert.equal(pageTexts(root, "sv", "status")("lapsed"), "lapsed");
  assert.equal(cssString('a"b\\c'), 'a\\"b\\\\c');
  pageTexts(root, "sv")('x"]');
  assert.equal(asked.at(-1), '[data-text="x\\"]"]');
});
