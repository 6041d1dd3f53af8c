// The public pages follow the clinic's settings without a new build: the price list from GET /services,
// the opening hours and the days that differ from GET /clinic (both cached a minute at most). The
// build's values stay in the HTML (search engines, no script); only what differs is replaced, as text.
import { element, kronor, language, request } from "../parts/settings-api.js";

const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

function word(root, key) { return root.getAttribute("data-word-" + key) || ""; }

function priceRow(root, service, lang) {
  const row = element("tr", null, { "data-service": service.id });
  let about = service.description || "";
  if (service.age_limit && !about.includes(String(service.age_limit))) {
    about += " " + word(root, "age").replace("{age}", service.age_limit);
  }
  const name = element("td");
  name.append(element("strong", service.name), element("br"), document.createTextNode(about.trim()));
  const book = element("td", null, { class: "allavie-book-cell" });
  const link = element("a", word(root, "book"), { class: "md-button", href: "../boka/?behandling=" + encodeURIComponent(service.id) });
  link.append(element("span", " " + service.name, { class: "allavie-visually-hidden" }));
  book.append(link);
  const labels = Array.from(root.querySelectorAll("thead th")).map((th) => th.textContent);
  row.append(
    name,
    element("td", service.duration_minutes + "\u00a0" + word(root, "minutes"), { "data-label": labels[1] || "" }),
    element("td", service.price_sek ? kronor(service.price_sek, lang) : word(root, "free"), { "data-label": labels[2] || "" }),
    element("td", service.prepayment_sek ? kronor(service.prepayment_sek, lang) : word(root, "none"), { "data-label": labels[3] || "" }),
    book,
  );
  return row;
}

async function prices(root, lang) {
  const answer = await request("GET", "/services");
  if (answer.status !== 200 || !answer.body) return;
  const body = root.querySelector("tbody");
  const fresh = answer.body.services.map((service) => priceRow(root, service, lang));
  // Replace only when something differs, so an unchanged list never moves.
  const now = Array.from(body.querySelectorAll("tr")).map((tr) => tr.textContent.replace(/\s+/g, " ").trim());
  const then = fresh.map((tr) => tr.textContent.replace(/\s+/g, " ").trim());
  if (now.join("\n") !== then.join("\n")) body.replaceChildren(...fresh);
}

function span(hours, closed) { return hours ? hours[0] + "–" + hours[1] : closed; }

function openingHours(root, clinic) {
  const rows = root.querySelectorAll("tbody tr");
  WEEKDAYS.forEach((day, index) => {
    const cell = rows[index] && rows[index].children[1];
    const text = span(clinic.opening_hours[day], word(root, "closed"));
    if (cell && cell.textContent !== text) cell.textContent = text;
  });
}

function longDate(iso, lang) {
  const [year, month, day] = iso.split("-").map(Number);
  const text = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "sv-SE",
    { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(year, month - 1, day)));
  return text.replace(",", "");
}

function exceptions(root, clinic, lang) {
  const list = element("ul");
  Object.keys(clinic.exceptions).sort().forEach((day) => {
    const found = clinic.exceptions[day];
    const item = element("li");
    const date = longDate(day, lang);
    if (found.name) {
      item.append(element("strong", found.name[lang] || found.name.sv), document.createTextNode(", " + date));
    } else {
      item.append(document.createTextNode(date.charAt(0).toUpperCase() + date.slice(1)));
    }
    item.append(document.createTextNode(": " + span(found.hours, word(root, "closed"))));
    list.append(item);
  });
  if (!list.children.length) list.append(element("li", word(root, "none")));
  const shown = root.querySelector("ul");
  if (!shown || shown.textContent.replace(/\s+/g, " ").trim() !== list.textContent.replace(/\s+/g, " ").trim()) {
    if (shown) shown.replaceWith(list); else root.append(list);
  }
}

async function hours(lang) {
  const tables = document.querySelectorAll("[data-allavie-hours]");
  const lists = document.querySelectorAll("[data-allavie-exceptions]");
  if (!tables.length && !lists.length) return;
  const answer = await request("GET", "/clinic");
  if (answer.status !== 200 || !answer.body) return;
  tables.forEach((root) => openingHours(root, answer.body));
  lists.forEach((root) => exceptions(root, answer.body, lang));
}

const lang = language();
document.querySelectorAll("[data-allavie-prices]").forEach((root) => { prices(root, lang); });
hours(lang);
