// Runs in the head, before the first paint: tells the stylesheet whether the cookie banner
// (at the top of the page, in the flow) is needed, so that it never appears late and pushes
// the page down. pages/site.js decides the rest; the rule here is lib/consent.js's isCurrent() (a classic
// script cannot import it).
(function () {
  "use strict";
  var root = document.documentElement;
  root.className = root.className.replace(/\bno-js\b/, "js");
  try {
    var record = JSON.parse(localStorage.getItem("allavie.consent") || "null");
    var meta = document.querySelector('meta[name="allavie-policy-version"]');
    var given = record ? Date.parse(record.given_at) : NaN;
    if (record && record.choices && meta && record.policy_version === meta.content &&
        !isNaN(given) && Date.now() - given < 365 * 24 * 3600 * 1000) {
      root.className += " allavie-consent-given";
    }
  } catch (e) { /* storage denied: the banner shows */ }
})();
