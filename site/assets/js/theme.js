// Material for MkDocs inlines these helpers in every page's <head> (partials/
// javascripts/base.html and content.html). Our CSP forbids inline scripts, so
// the same code lives here and runs, unchanged in effect, before the bundle.
(function () {
  "use strict";
  var scope = (document.currentScript && document.currentScript.getAttribute("data-scope")) || ".";
  window.__md_scope = new URL(scope, location);
  window.__md_hash = function (value) {
    return Array.prototype.reduce.call(value, function (hash, ch) { return (hash << 5) - hash + ch.charCodeAt(0); }, 0);
  };
  window.__md_get = function (key, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    return JSON.parse(storage.getItem(base.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, base) {
    storage = storage || localStorage;
    base = base || window.__md_scope;
    try { storage.setItem(base.pathname + "." + key, JSON.stringify(value)); } catch (e) { /* storage full or denied */ }
  };
  // The head's hreflang links stay for search engines, but Material's bundle
  // fetches "sitemap.xml" below each of them (a 404 on every page view). The
  // header's language switch already links each page to its translation.
  Array.prototype.forEach.call(document.querySelectorAll('link[rel="alternate"][hreflang]'), function (link) {
    link.parentNode.removeChild(link);
  });
  // content.html: open a content tab addressed by the URL fragment.
  var target = document.getElementById(location.hash.slice(1));
  if (target && target.name) target.checked = target.name.indexOf("__tabbed_") === 0;
})();
