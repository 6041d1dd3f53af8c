// The owner's reports (/personal/rapporter/), an ES module with no globals: a period's figures beside the
// period before, charts drawn here as SVG (each with its numbers as a table and a CSV download), the days as
// CSV from the API and the period's SIE file. Admins only: staff see the page's message on 403. Texts are in
// the page (data-text); data is set with textContent, never HTML.
import { apiBase, language, request } from "../lib/api.js";
import { session } from "../lib/staff.js";

const root = document.getElementById("allavie-reports");
const SVG = "http://www.w3.org/2000/svg";

const one = (sel) => root.querySelector(sel);
const all = (sel) => Array.from(root.querySelectorAll(sel));
const text = (key, values = {}) => {
  const found = one(`[data-text="${key}"]`);
  let said = found ? found.textContent : key;
  for (const [k, v] of Object.entries(values)) said = said.split(`{${k}}`).join(String(v));
  return said;
};
const setState = (state) => all("[data-state]").forEach((n) => { n.hidden = n.getAttribute("data-state") !== state; });
const element = (name, attributes = {}, content = null) => {
  const made = document.createElement(name);
  for (const [k, v] of Object.entries(attributes)) made.setAttribute(k, v);
  if (content !== null) made.textContent = String(content);
  return made;
};
const number = (value, digits = 0) => Number(value).toLocaleString(document.documentElement.lang === "en" ? "en-GB" : "sv-SE",
  { minimumFractionDigits: digits, maximumFractionDigits: digits });
const iso = (day) => `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, "0")}-${String(day.getDate()).padStart(2, "0")}`;

function preset(kind, today = new Date()) {
  const y = today.getFullYear(), m = today.getMonth();
  if (kind === "last-month") return [iso(new Date(y, m - 1, 1)), iso(new Date(y, m, 0))];
  if (kind === "year") return [iso(new Date(y, 0, 1)), iso(new Date(y, 11, 31))];
  return [iso(new Date(y, m, 1)), iso(new Date(y, m + 1, 0))];
}

function download(name, body, type) {
  const url = URL.createObjectURL(new Blob([body], { type }));
  const link = element("a", { href: url, download: name });
  link.hidden = true;
  root.appendChild(link);
  link.click();
  setTimeout(() => { URL.revokeObjectURL(url); link.remove(); }, 1000);
}

function csvOf(headers, rows) {
  const cell = (v) => { const s = String(v); return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s; };
  return [headers, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

// A bar chart: one bar per row, its value on the y axis; role img named by its heading, the table after it.
function bars(title, labels, values, { horizontal = false } = {}) {
  const max = Math.max(1, ...values.map((v) => Math.abs(v)));
  const svg = document.createElementNS(SVG, "svg");
  const width = 600, height = horizontal ? Math.max(60, 24 * values.length + 10) : 200;
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", text("chart-label", { title }));
  svg.setAttribute("focusable", "false");
  const line = document.createElementNS(SVG, "line");
  line.setAttribute("class", "report-axis");
  if (horizontal) {
    const left = 150;
    line.setAttribute("x1", left); line.setAttribute("x2", left); line.setAttribute("y1", 0); line.setAttribute("y2", height);
    values.forEach((v, i) => {
      const bar = document.createElementNS(SVG, "rect");
      bar.setAttribute("class", "report-bar");
      bar.setAttribute("x", left); bar.setAttribute("y", 5 + i * 24);
      bar.setAttribute("width", Math.max(0, (width - left - 60) * Math.abs(v) / max)); bar.setAttribute("height", 18);
      const name = document.createElementNS(SVG, "text");
      name.setAttribute("x", left - 6); name.setAttribute("y", 18 + i * 24); name.setAttribute("text-anchor", "end");
      name.textContent = String(labels[i]).slice(0, 22);
      const amount = document.createElementNS(SVG, "text");
      amount.setAttribute("x", left + 6 + (width - left - 60) * Math.abs(v) / max); amount.setAttribute("y", 18 + i * 24);
      amount.textContent = number(v);
      svg.append(bar, name, amount);
    });
  } else {
    const base = height - 20, step = width / Math.max(1, values.length);
    line.setAttribute("x1", 0); line.setAttribute("x2", width); line.setAttribute("y1", base); line.setAttribute("y2", base);
    values.forEach((v, i) => {
      const bar = document.createElementNS(SVG, "rect");
      const tall = (base - 10) * Math.abs(v) / max;
      bar.setAttribute("class", "report-bar");
      bar.setAttribute("x", i * step + step * 0.1); bar.setAttribute("width", Math.max(0.5, step * 0.8));
      bar.setAttribute("y", base - tall); bar.setAttribute("height", tall);
      svg.appendChild(bar);
    });
    const ends = [[0, "start", labels[0]], [width, "end", labels[labels.length - 1]]];
    for (const [x, anchor, label] of ends) {
      const tick = document.createElementNS(SVG, "text");
      tick.setAttribute("x", x); tick.setAttribute("y", height - 4); tick.setAttribute("text-anchor", anchor);
      tick.textContent = label || "";
      svg.appendChild(tick);
    }
    const top = document.createElementNS(SVG, "text");
    top.setAttribute("x", 2); top.setAttribute("y", 10); top.textContent = number(max);
    svg.appendChild(top);
  }
  svg.appendChild(line);
  return svg;
}

function table(caption, headers, rows) {
  const wrap = element("div", { "class": "report-table-wrap", tabindex: "0", role: "region",
    "aria-label": `${caption}: ${text("table")}` });
  const made = element("table");
  made.appendChild(element("caption", {}, caption));
  const head = element("tr");
  headers.forEach((h) => head.appendChild(element("th", { scope: "col" }, h)));
  made.appendChild(element("thead")).appendChild(head);
  const body = made.appendChild(element("tbody"));
  rows.forEach((row) => {
    const tr = element("tr");
    row.forEach((v, i) => tr.appendChild(element(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, v)));
    body.appendChild(tr);
  });
  wrap.appendChild(made);
  return wrap;
}

function chart(name, labels, values, headers, rows, options) {
  const section = one(`[data-chart="${name}"]`);
  const title = section.querySelector("h2").textContent;
  all(`[data-chart="${name}"] > :not(h2)`).forEach((n) => n.remove());
  if (!rows.length) { section.appendChild(element("p", {}, text("empty"))); return; }
  section.appendChild(bars(title, labels, values, options));
  const details = element("details");
  details.appendChild(element("summary", {}, text("table")));
  details.appendChild(table(title, headers, rows));
  section.appendChild(details);
  const button = element("button", { type: "button", "class": "md-button", "data-download": name }, text("download"));
  button.setAttribute("aria-label", `${text("download")}: ${title}`);
  button.addEventListener("click", () => download(`${name}.csv`, csvOf(headers, rows), "text/csv"));
  section.appendChild(element("p")).appendChild(button);
}

const revenueOf = (r) => Object.values(r).reduce((a, b) => a + b, 0);

function figures(report) {
  const now = report.totals, before = report.previous;
  const rate = (t) => `${number(100 * t.no_show_rate, 1)} %`;
  const use = (t) => `${number(t.available_minutes ? 100 * t.booked_minutes / t.available_minutes : 0, 1)} %`;
  const rows = [
    ["revenue", number(revenueOf(now.revenue_sek), 2), number(revenueOf(before.revenue_sek), 2)],
    ["online", number(now.revenue_sek.online, 2), number(before.revenue_sek.online, 2)],
    ["desk", number(now.revenue_sek.desk, 2), number(before.revenue_sek.desk, 2)],
    ["bookings", number(now.bookings), number(before.bookings)],
    ["completed", number(now.completed), number(before.completed)],
    ["cancelled_by_customer", number(now.cancelled_by_customer), number(before.cancelled_by_customer)],
    ["cancelled_by_clinic", number(now.cancelled_by_clinic), number(before.cancelled_by_clinic)],
    ["no_shows", number(now.no_shows), number(before.no_shows)],
    ["no_show_rate", rate(now), rate(before)],
    ["utilisation", use(now), use(before)],
    ["new", number(report.customers.new), null],
    ["returning", number(report.customers.returning), null],
    ["page_views", number(now.page_views), number(before.page_views)],
    ["gift_cards", number(report.gift_card_liability_sek, 2), null],
  ];
  const list = one("[data-figures]");
  list.replaceChildren();
  for (const [key, value, previous] of rows) {
    const item = element("div", { "data-figure": key });
    item.appendChild(element("dt", {}, text(key)));
    const dd = element("dd", {}, value);
    if (previous !== null) dd.appendChild(element("span", { "class": "report-before" }, text("before", { value: previous })));
    item.appendChild(dd);
    list.appendChild(item);
  }
}

function show(report) {
  one("[data-heading]").textContent = text("heading", { from: report.from, to: report.to });
  figures(report);
  const days = report.days;
  const dates = days.map((d) => d.date);
  chart("revenue", dates, days.map((d) => revenueOf(d.revenue_sek)), [text("date"), text("online"), text("desk"), text("revenue")],
    days.map((d) => [d.date, d.revenue_sek.online.toFixed(2), d.revenue_sek.desk.toFixed(2), revenueOf(d.revenue_sek).toFixed(2)]));
  chart("bookings", dates, days.map((d) => d.bookings),
    [text("date"), text("bookings"), text("completed"), text("no_shows"), text("cancelled_by_customer"), text("cancelled_by_clinic")],
    days.map((d) => [d.date, d.bookings, d.completed, d.no_shows, d.cancelled_by_customer, d.cancelled_by_clinic]));
  const staff = report.by_staff;
  const percent = (s) => (s.available_minutes ? Math.round(1000 * s.booked_minutes / s.available_minutes) / 10 : 0);
  chart("staff", staff.map((s) => s.name), staff.map(percent),
    [text("staff"), text("booked_minutes"), text("available_minutes"), text("percent")],
    staff.map((s) => [s.name, s.booked_minutes, s.available_minutes, percent(s)]), { horizontal: true });
  const services = report.by_service;
  chart("services", services.map((s) => s.name), services.map((s) => s.bookings),
    [text("service"), text("bookings"), text("revenue")],
    services.map((s) => [s.name, s.bookings, s.revenue_sek.toFixed(2)]), { horizontal: true });
  const pages = report.pages.slice(0, 20);
  chart("pages", pages.map((p) => p.path), pages.map((p) => p.views), [text("page"), text("views")],
    pages.map((p) => [p.path, p.views]), { horizontal: true });
}

let period = preset("month");

async function call(path, accept) {
  const response = await fetch(apiBase() + path, {
    headers: { Accept: accept, "Accept-Language": language(), Authorization: `Bearer ${session() || ""}` },
    credentials: "omit",
  });
  if (response.status === 401) setState("signin");
  if (response.status === 403) setState("forbidden");
  return response;
}

async function load() {
  one("[data-error]").textContent = "";
  const [from, to] = period;
  const answer = await request("GET", `/staff/reports?from=${from}&to=${to}`, null, { token: session() || "" });
  if (answer.status === 401) { setState("signin"); return; }
  if (answer.status === 403) { setState("forbidden"); return; }
  if (answer.status !== 200) {
    one("[data-error]").textContent = (answer.body && answer.body.error && answer.body.error.message) || text("failed");
    return;
  }
  setState("app");
  show(answer.body);
  one("[data-app-status]").textContent = text("loaded", { from, to });
}

function start() {
  if (!root) return;
  if (!session()) { setState("signin"); return; }
  const form = one('[data-form="period"]');
  const fill = () => { form.elements.from.value = period[0]; form.elements.to.value = period[1]; };
  fill();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    period = [form.elements.from.value, form.elements.to.value];
    load();
  });
  all("[data-preset]").forEach((button) => button.addEventListener("click", () => {
    period = preset(button.getAttribute("data-preset")); fill(); load();
  }));
  one('[data-action="csv-days"]').addEventListener("click", async () => {
    const response = await call(`/staff/reports?from=${period[0]}&to=${period[1]}&format=csv`, "text/csv");
    if (response.ok) download(`rapport-${period[0]}-${period[1]}.csv`, await response.text(), "text/csv");
  });
  one('[data-action="sie"]').addEventListener("click", async () => {
    const year = period[0].slice(0, 4), month = period[0].slice(0, 7) === period[1].slice(0, 7) ? `&month=${Number(period[0].slice(5, 7))}` : "";
    const response = await call(`/staff/reports/sie?year=${year}${month}`, "text/plain");
    if (response.ok) download(`allavie-${year}${month ? "-" + period[0].slice(5, 7) : ""}.se`, await response.blob(), "text/plain");
  });
  load();
}

start();
