// Every page: the cookie banner (asks before anything optional happens, remembers the answer per policy
// version, and sends every answer to POST /consent as proof) and the language switch's links.
// What it stores is listed on the cookies page (a browser test keeps that true).
import { linkToken, request } from "../lib/api.js";
import { STORAGE_KEY, isCurrent, validRecord } from "../lib/consent.js";
import { readJson, writeJson } from "../lib/storage.js";

function policyVersion() {
  const meta = document.querySelector('meta[name="allavie-policy-version"]');
  return meta ? meta.content : "";
}

function read() {
  return validRecord(readJson(localStorage, STORAGE_KEY));
}

function current(record) {
  return isCurrent(record, policyVersion());
}

function randomId() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join("");
  return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
}

// The proof: id, choices and policy version; the server adds the time. No personal data.
function send(record) {
  const body = { id: record.id, choices: record.choices, policy_version: record.policy_version };
  return request("POST", "/consent", body, { token: null }).then((answer) => {
    if (answer.status === 204) {
      record.sent = true;
      writeJson(localStorage, STORAGE_KEY, record);
    }
    return answer;
  }, () => null); // offline: sent again on the next page
}

// First-party aggregate statistics, loaded only after consent (once a page, however often asked).
let counted = false;
function startAnalytics() {
  if (counted) return;
  counted = true;
  import("../analytics.js").then((module) => module.countPageView(), () => { /* never disturbs the visit */ });
}

function startBanner(banner) {
  const form = banner.querySelector("[data-allavie-consent-form]");
  const settings = banner.querySelector("[data-allavie-consent-settings]");
  const settingsButton = banner.querySelector('[data-allavie-consent-action="settings"]');
  const analyticsBox = form.elements.namedItem("analytics");
  let opener = null;

  function show(fromLink) {
    const record = read();
    // Nothing is ticked unless the visitor ticked it before.
    analyticsBox.checked = !!(record && current(record) && record.choices.analytics);
    settings.hidden = true;
    settingsButton.setAttribute("aria-expanded", "false");
    banner.hidden = false;
    if (fromLink) {
      opener = document.activeElement;
      banner.querySelector("#allavie-consent-title").focus();
    }
  }

  function hide() {
    banner.hidden = true;
    if (opener && opener.focus) opener.focus();
    opener = null;
  }

  function choose(analytics) {
    const previous = read();
    const record = {
      id: previous ? previous.id : randomId(),
      choices: { necessary: true, analytics: !!analytics },
      policy_version: policyVersion(),
      given_at: new Date().toISOString(),
      sent: false,
    };
    writeJson(localStorage, STORAGE_KEY, record);
    hide();
    const sending = send(record);
    if (record.choices.analytics) startAnalytics();
    return sending;
  }

  banner.addEventListener("click", (event) => {
    const button = event.target.closest("[data-allavie-consent-action]");
    if (!button) return;
    const action = button.getAttribute("data-allavie-consent-action");
    if (action === "accept") choose(true);
    else if (action === "reject") choose(false);
    else if (action === "settings") {
      settings.hidden = !settings.hidden;
      settingsButton.setAttribute("aria-expanded", String(!settings.hidden));
      if (!settings.hidden) analyticsBox.focus();
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    choose(analyticsBox.checked);
  });

  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-allavie-consent-open]");
    if (!link) return;
    event.preventDefault();
    show(true);
  });

  const stored = read();
  if (!current(stored)) {
    show(false);
  } else {
    banner.hidden = true;
    if (!stored.sent) send(stored);
    if (stored.choices.analytics === true) startAnalytics();
  }
  // early.js hid the banner before the first paint when a choice holds; from here on `hidden` says it.
  document.documentElement.classList.remove("allavie-consent-given");
}

// The language switch keeps the link's fragment: without it a customer who switches language on a page
// opened from an e-mail (#t=...) is told that the page needs the link.
document.addEventListener("click", (event) => {
  const link = event.target && event.target.closest ? event.target.closest("a[hreflang]") : null;
  if (link && linkToken()) link.href = link.href.split("#")[0] + window.location.hash;
}, true);

const banner = document.querySelector("[data-allavie-consent]");
if (banner) startBanner(banner);
