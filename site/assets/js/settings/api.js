// The API as the settings' modules speak to it: JSON, the page's language, a bearer token when given.
// An ES module with no globals (the site's shared lib may replace it when it lands).

export function apiBase() {
  const meta = document.querySelector('meta[name="allavie-api"]');
  return (meta && meta.content ? meta.content : "").replace(/\/$/, "");
}

export function language() {
  return (document.documentElement.lang || "sv").slice(0, 2) === "en" ? "en" : "sv";
}

// Resolves to {status, body}; never throws for an HTTP error (a network failure is status 0).
export async function request(method, path, body, token) {
  const headers = { Accept: "application/json", "Accept-Language": language() };
  if (body !== undefined && body !== null) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = "Bearer " + token;
  try {
    const response = await fetch(apiBase() + path, {
      method, headers, credentials: "omit",
      body: body === undefined || body === null ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let data = null;
    if (text && (response.headers.get("Content-Type") || "").includes("json")) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    return { status: response.status, body: data };
  } catch (e) {
    return { status: 0, body: null };
  }
}

// "1 200 kr" / "SEK 1,200", as the site's generated pages write prices.
export function kronor(amount, lang) {
  const digits = String(Math.trunc(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, lang === "en" ? "," : "\u00a0");
  return lang === "en" ? "SEK\u00a0" + digits : digits + "\u00a0kr";
}

// An element with its text (never HTML) and attributes.
export function element(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  return node;
}
