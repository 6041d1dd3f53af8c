// Page texts. Every text a script shows is in the page (Swedish or English), in an element such as
// <span data-text="days-found">Lediga tider finns på {n} dagar.</span>; scripts look them up here and
// fill in EVERY {name} with its value. One fallback rule: a text the page lacks is its key (a typo
// shows as "days-fuond" on the page, never as a blank); has() asks for texts that are optional.

// "{n} lediga tider" with {n: 3} -> "3 lediga tider": every placeholder, every time it occurs, in one
// pass (a customer's name that reads "{when}" stays as typed). A placeholder without a value stays.
export function fillIn(template, values) {
  const given = values || {};
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(given, name) ? String(given[name]) : whole);
}

export function locale(lang) {
  return lang === "en" ? "en-GB" : "sv-SE";
}

// A count's text may have a variant per plural form ("times-found-one": "{n} ledig tid"), chosen by
// the language's rules; without one the plain key ("{n} lediga tider") is used.
export function pluralKey(key, values, lang, has) {
  if (!values || typeof values.n !== "number" || typeof Intl === "undefined" || !Intl.PluralRules) return key;
  const variant = key + "-" + new Intl.PluralRules(locale(lang)).select(values.n);
  return has(variant) ? variant : key;
}

// find(key): the text, or null when there is none. Returns t(key, values) with t.has(key).
export function textsFrom(find, lang) {
  const has = (key) => find(key) !== null;
  const t = (key, values) => {
    const chosen = pluralKey(key, values, lang, has);
    const template = find(chosen);
    return fillIn(template === null ? key : template, values);
  };
  t.has = has;
  return t;
}

// The texts in root's elements with the attribute data-KIND (data-text by default; data-status for the
// names of a booking's statuses, and so on).
export function pageTexts(root, lang, kind = "text") {
  return textsFrom((key) => {
    const node = root.querySelector("[data-" + kind + '="' + cssString(key) + '"]');
    return node ? node.textContent : null;
  }, lang);
}

// A key inside a quoted attribute selector: quotes and backslashes escaped.
export function cssString(value) {
  return String(value).replace(/["\\]/g, "\\$&");
}
