// The pages' one way to talk to the API: JSON, the page's language, and the
// link's token (read from the URL fragment, sent only in a header).
(function () {
  "use strict";

  function apiBase() {
    var meta = document.querySelector('meta[name="allavie-api"]');
    return (meta && meta.content ? meta.content : "").replace(/\/$/, "");
  }

  function language() {
    var lang = (document.documentElement.lang || "sv").slice(0, 2);
    return lang === "en" ? "en" : "sv";
  }

  // The token from "#t=TOKEN" (never a query string: fragments are not sent to servers).
  function linkToken() {
    var params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    return params.get("t");
  }

  // fetch JSON; resolves to {status, body}; never throws for HTTP errors.
  function request(method, path, body, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Accept-Language": language() };
    if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
    var token = options.token === undefined ? linkToken() : options.token;
    if (token) headers["Authorization"] = "Bearer " + token;
    return fetch(apiBase() + path, {
      method: method,
      headers: headers,
      body: body === undefined || body === null ? undefined : JSON.stringify(body),
      credentials: "omit",
      keepalive: !!options.keepalive,
    }).then(function (response) {
      // An empty body (204) is null, even when labelled JSON (Chalice labels every answer so).
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) {
        var data = null;
        if (text && type.indexOf("json") >= 0) {
          try { data = JSON.parse(text); } catch (e) { data = null; }
        }
        return { status: response.status, body: data, response: response };
      });
    });
  }

  // Show an API error next to its fields: elements with data-error-for="FIELD",
  // and a summary element [data-error-summary]. Text only, never HTML.
  function showErrors(form, error) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    var summary = form.querySelector("[data-error-summary]");
    if (summary) summary.textContent = error && error.message ? error.message : "";
    var fields = (error && error.fields) || {};
    Object.keys(fields).forEach(function (name) {
      var slot = form.querySelector('[data-error-for="' + CSS.escape(name) + '"]');
      if (slot) slot.textContent = fields[name];
      var input = form.querySelector('[name="' + CSS.escape(name) + '"]');
      if (input) input.setAttribute("aria-invalid", "true");
    });
  }

  // The language switch keeps the link's fragment: without it a customer who switches language on
  // a page opened from an e-mail (#t=...) is told that the page needs the link.
  document.addEventListener("click", function (event) {
    var link = event.target && event.target.closest ? event.target.closest("a[hreflang]") : null;
    if (link && linkToken()) link.href = link.href.split("#")[0] + window.location.hash;
  }, true);

  window.Allavie = { apiBase: apiBase, language: language, linkToken: linkToken, request: request, showErrors: showErrors };
})();
