// What the settings' pages add to the site's lib: a network failure answered as status 0 (the forms say
// so instead of throwing), prices with the currency word as the generated price list writes them, and an
// element with its text (never HTML).
import { apiBase, language, request as send } from "../lib/api.js";
import { kronor as grouped } from "../lib/money.js";

export { apiBase, language };

// Resolves to {status, body}; the staff session's id as the bearer token where given, no link token.
export async function request(method, path, body, token) {
  try {
    return await send(method, path, body, { token: token || null });
  } catch {
    return { status: 0, body: null };
  }
}

// "1 200 kr" / "SEK 1,200", as site/hooks/clinic_pages.py writes prices.
export function kronor(amount, lang) {
  const digits = grouped(Math.trunc(amount), lang).replace(/\s/g, "\u00a0");
  return lang === "en" ? "SEK\u00a0" + digits : digits + "\u00a0kr";
}

export function element(tag, text, attributes) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  return node;
}
