// First-party aggregate statistics: one count per page view, per page and day.
// Loaded by consent.js only after the visitor accepted statistics. Sends the
// page's path and nothing else: no id, no cookie, no referrer, no token.
(function () {
  "use strict";
  window.Allavie.request("POST", "/analytics/pageview", { path: window.location.pathname }, { token: null })
    .catch(function () { /* statistics never disturb the visit */ });
})();
