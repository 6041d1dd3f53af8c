// The pages' one way to talk to the API: JSON, the page's language, and the link's token (read from
// the URL fragment, sent only in a header).

// The API's address is in the page's head (<meta name="allavie-api">): no inline script (CSP).
export function apiBase() {
  const meta = document.querySelector('meta[name="allavie-api"]');
  return (meta && meta.content ? meta.content : "").replace(/\/$/, "");
}

export function language() {
  const lang = (document.documentElement.lang || "sv").slice(0, 2);
  return lang === "en" ? "en" : "sv";
}

// The fragment's parameters ("#t=TOKEN&b=BOOKING"): fragments are never sent to servers.
export function fragment(hash = window.location.hash) {
  return new URLSearchParams(hash.replace(/^#/, ""));
}

// The link's token from "#t=TOKEN" (never a query string).
export function linkToken() {
  return fragment().get("t");
}

// The request's headers: JSON, the language, and the token (options.token; by default the link's).
export function headersFor(body, token, lang) {
  const headers = { "Accept": "application/json", "Accept-Language": lang };
  if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
  if (token) headers["Authorization"] = "Bearer " + token;
  return headers;
}

// An answer's body: parsed JSON, or null (an empty 204 too, though Chalice labels every answer JSON).
export function parseBody(text, contentType) {
  if (!text || (contentType || "").indexOf("json") < 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// fetch JSON; resolves to {status, body, response}; never throws for HTTP errors.
export async function request(method, path, body, options = {}) {
  const token = options.token === undefined ? linkToken() : options.token;
  const response = await fetch(apiBase() + path, {
    method,
    headers: headersFor(body, token, language()),
    body: body === undefined || body === null ? undefined : JSON.stringify(body),
    credentials: "omit",
    keepalive: !!options.keepalive,
  });
  const text = await response.text();
  return { status: response.status, body: parseBody(text, response.headers.get("Content-Type")), response };
}
