// The cookie banner: asks before anything optional happens, remembers the
// answer per policy version, and sends every answer to POST /consent as proof.
// What it stores is listed on the cookies page (a browser test keeps that true).
(function () {
  "use strict";

  var STORAGE_KEY = "allavie.consent";
  var MAX_AGE_MS = 365 * 24 * 3600 * 1000; // ask again after 12 months

  function policyVersion() {
    var meta = document.querySelector('meta[name="allavie-policy-version"]');
    return meta ? meta.content : "";
  }

  function read() {
    try {
      var record = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      if (!record || typeof record.id !== "string" || !record.choices) return null;
      return record;
    } catch (e) {
      return null;
    }
  }

  // A stored choice counts only for the notice it was given under, and for a year.
  function current(record) {
    if (!record || record.policy_version !== policyVersion()) return false;
    var given = Date.parse(record.given_at);
    return !isNaN(given) && Date.now() - given < MAX_AGE_MS;
  }

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // The proof: id, choices and policy version; the server adds the time. No personal data.
  function send(record) {
    var body = { id: record.id, choices: record.choices, policy_version: record.policy_version };
    return window.Allavie.request("POST", "/consent", body, { token: null }).then(function (answer) {
      if (answer.status === 204) {
        record.sent = true;
        write(record);
      }
      return answer;
    }, function () { return null; }); // offline: sent again on the next page
  }

  function write(record) {
    try { localStorage.setItem(STORAGE_KEY, JSON.stringify(record)); } catch (e) { /* storage denied */ }
  }

  // First-party aggregate statistics, loaded only after consent.
  function startAnalytics() {
    if (document.querySelector("script[data-allavie-analytics]")) return;
    var api = document.querySelector('script[src*="assets/js/consent.js"]');
    var script = document.createElement("script");
    script.src = api.src.replace(/consent\.js(\?.*)?$/, "analytics.js");
    script.setAttribute("data-allavie-analytics", "");
    document.body.appendChild(script);
  }

  var banner = document.querySelector("[data-allavie-consent]");
  if (!banner) return;
  var form = banner.querySelector("[data-allavie-consent-form]");
  var settings = banner.querySelector("[data-allavie-consent-settings]");
  var settingsButton = banner.querySelector('[data-allavie-consent-action="settings"]');
  var analyticsBox = form.elements.namedItem("analytics");
  var opener = null;

  function show(fromLink) {
    var record = read();
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
    var previous = read();
    var record = {
      id: previous && typeof previous.id === "string" ? previous.id : randomId(),
      choices: { necessary: true, analytics: !!analytics },
      policy_version: policyVersion(),
      given_at: new Date().toISOString(),
      sent: false,
    };
    write(record);
    hide();
    var sending = send(record);
    if (record.choices.analytics) startAnalytics();
    return sending;
  }

  banner.addEventListener("click", function (event) {
    var button = event.target.closest("[data-allavie-consent-action]");
    if (!button) return;
    var action = button.getAttribute("data-allavie-consent-action");
    if (action === "accept") choose(true);
    else if (action === "reject") choose(false);
    else if (action === "settings") {
      settings.hidden = !settings.hidden;
      settingsButton.setAttribute("aria-expanded", String(!settings.hidden));
      if (!settings.hidden) analyticsBox.focus();
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    choose(analyticsBox.checked);
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-allavie-consent-open]");
    if (!link) return;
    event.preventDefault();
    show(true);
  });

  var stored = read();
  if (!current(stored)) {
    show(false);
  } else {
    banner.hidden = true;
    if (!stored.sent) send(stored);
    if (stored.choices.analytics === true) startAnalytics();
  }
  // early.js hid the banner before the first paint when a choice holds; from here on `hidden` says it.
  document.documentElement.classList.remove("allavie-consent-given");

  window.Allavie = window.Allavie || {};
  window.Allavie.consent = { read: read, open: function () { show(true); } };
})();
