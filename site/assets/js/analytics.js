// First-party aggregate statistics: one count per page view, per page and day. Imported by site.js only
// after the visitor accepted statistics. Sends the page's path and nothing else: no id, no cookie, no
// referrer, no token.
import { request } from "./lib/api.js";

export function countPageView() {
  return request("POST", "/analytics/pageview", { path: window.location.pathname }, { token: null })
    .catch(() => { /* statistics never disturb the visit */ });
}
