// The clinic's settings (/personal/installningar/, admins): a form per section, saved on the version read
// (PUT /staff/settings/{section}); an error is shown at the field the API names (inputs are named by the
// API's paths, e.g. treatments[2].price_sek); a preview of the public price list; the audit trail. Signed in
// on /personal/ (the session id in this tab's sessionStorage). Every text is in the page; values are set as
// text or input values, never as HTML. An ES module: nothing global.
import { element, kronor, language, request } from "../parts/settings-api.js";

const root = document.getElementById("allavie-settings");
const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const PROFESSIONS = ["sjuksköterska", "läkare", "tandläkare"];
const VAT = [25, 12, 6, 0];
const lang = language();
let state = null; // {version, settings}

const one = (sel) => root.querySelector(sel);
const all = (sel) => Array.from(root.querySelectorAll(sel));
function t(key, values) {
  const el = one('[data-text="' + key + '"]');
  let text = el ? el.textContent : key;
  Object.entries(values || {}).forEach(([k, v]) => { text = text.split("{" + k + "}").join(String(v)); });
  return text;
}
const label = (attribute, key) => { const el = one("[" + attribute + '="' + key + '"]'); return el ? el.textContent : key; };
function setState(name) { all("[data-state]").forEach((n) => { n.hidden = n.getAttribute("data-state") !== name; }); }
function say(text) { one("[data-app-status]").textContent = text || ""; }
function session() { try { return sessionStorage.getItem("allavie.staff") || ""; } catch (e) { return ""; } }
async function api(method, path, body) {
  const answer = await request(method, path, body, session());
  if (answer.status === 401) setState("signin");
  return answer;
}
const text = (value, language) => (value && typeof value === "object" ? (value[language] || value.sv || "") : (value || ""));
const copy = (value) => JSON.parse(JSON.stringify(value));

// --- building the forms: every input named by its API path, with its error slot -------------------------

let uid = 0;
function input(name, caption, value, attributes) {
  const id = "settings-" + (++uid);
  const p = element("p");
  const field = element("input", null, { id, name, ...(attributes || {}) });
  if (field.type === "checkbox") field.checked = !!value; else field.value = value === null || value === undefined ? "" : value;
  if (field.type === "checkbox") p.append(field, document.createTextNode(" "), element("label", caption, { for: id }));
  else p.append(element("label", caption, { for: id }), element("br"), field);
  p.append(element("span", null, { "data-error-for": name, class: "allavie-error" }));
  return p;
}
function select(name, caption, options, value) {
  const id = "settings-" + (++uid);
  const field = element("select", null, { id, name });
  options.forEach(([optionValue, optionText]) => {
    const option = element("option", optionText, { value: optionValue });
    option.selected = String(optionValue) === String(value);
    field.append(option);
  });
  const p = element("p");
  p.append(element("label", caption, { for: id }), element("br"), field,
    element("span", null, { "data-error-for": name, class: "allavie-error" }));
  return p;
}
function fieldset(legend, at) {
  const box = element("fieldset", null, { class: "settings-item", "data-at": at });
  box.append(element("legend", legend));
  return box;
}
function removeButton(kind, index) {
  return element("button", t("remove"), { type: "button", class: "md-button", "data-remove": kind, "data-index": index });
}
function hoursRow(prefix, day, hours) {
  const row = element("div", null, { class: "staff-inline" });
  row.append(input(prefix + "." + day + ".open", label("data-weekday", day) + ": " + t("open"), !!hours, { type: "checkbox" }),
    input(prefix + "." + day + ".opens", label("data-weekday", day) + ", " + t("opens").toLowerCase(), hours ? hours[0] : "", { type: "time" }),
    input(prefix + "." + day + ".closes", label("data-weekday", day) + ", " + t("closes").toLowerCase(), hours ? hours[1] : "", { type: "time" }));
  row.append(element("span", null, { "data-error-for": prefix + "." + day, class: "allavie-error" }));
  return row;
}

function treatmentsForm(treatments, staff) {
  const list = one('[data-list="treatments"]');
  list.replaceChildren();
  treatments.forEach((treatment, i) => {
    const at = "treatments[" + i + "]";
    const box = fieldset(t("treatment", { n: i + 1 }) + ": " + text(treatment.name, lang), at);
    box.append(input(at + ".id", t("id"), treatment.id, { type: "text", maxlength: "32" }));
    if (!treatment._new) box.querySelector("input").setAttribute("readonly", "");
    box.append(input(at + ".name.sv", t("name_sv"), text(treatment.name, "sv"), { type: "text", maxlength: "80" }),
      input(at + ".name.en", t("name_en"), text(treatment.name, "en"), { type: "text", maxlength: "80" }),
      input(at + ".description.sv", t("description_sv"), text(treatment.description, "sv"), { type: "text", class: "staff-wide" }),
      input(at + ".description.en", t("description_en"), text(treatment.description, "en"), { type: "text", class: "staff-wide" }));
    const numbers = element("div", null, { class: "staff-inline" });
    numbers.append(input(at + ".duration_minutes", t("duration_minutes"), treatment.duration_minutes, { type: "number", min: "15", step: "15" }),
      input(at + ".price_sek", t("price_sek"), treatment.price_sek, { type: "number", min: "0", step: "1" }),
      input(at + ".prepayment_sek", t("prepayment_sek"), treatment.prepayment_sek || 0, { type: "number", min: "0", step: "1" }),
      select(at + ".vat_percent", t("vat_percent"), VAT.map((v) => [v, v + " %"]), treatment.vat_percent ?? 25),
      input(at + ".age_limit", t("age_limit"), treatment.age_limit, { type: "number", min: "1", step: "1" }));
    box.append(numbers);
    const who = element("fieldset", null, { class: "staff-inline" });
    who.append(element("legend", t("treatment_staff")));
    staff.forEach((member) => who.append(input(at + ".staff." + member.id, member.name,
      (treatment.staff || []).includes(member.id), { type: "checkbox" })));
    who.append(element("span", null, { "data-error-for": at + ".staff", class: "allavie-error" }));
    box.append(who);
    if (treatment.regulated) box.append(element("p", t("regulated", { requires: treatment.requires }), { class: "staff-hint" }));
    box.append(removeButton("treatments", i));
    list.append(box);
  });
  preview();
}

function hoursForm(hours) {
  const list = one('[data-list="opening_hours"]');
  list.replaceChildren(...WEEKDAYS.map((day) => hoursRow("opening_hours", day, hours[day])));
}

function exceptionsForm(exceptions) {
  const list = one('[data-list="exceptions"]');
  list.replaceChildren();
  Object.keys(exceptions).sort().forEach((day, i) => {
    let value = exceptions[day];
    if (value === null || Array.isArray(value)) value = { name: null, hours: value };
    const box = fieldset(t("day", { n: i + 1 }) + ": " + day, "exceptions." + day);
    const at = "exceptions[" + i + "]";
    box.append(input(at + ".date", t("date"), day, { type: "date" }),
      input(at + ".name.sv", t("day_name_sv"), text(value.name, "sv"), { type: "text", maxlength: "60" }),
      input(at + ".name.en", t("day_name_en"), text(value.name, "en"), { type: "text", maxlength: "60" }));
    const row = element("div", null, { class: "staff-inline" });
    row.append(input(at + ".open", t("open"), !!value.hours, { type: "checkbox" }),
      input(at + ".opens", t("opens"), value.hours ? value.hours[0] : "", { type: "time" }),
      input(at + ".closes", t("closes"), value.hours ? value.hours[1] : "", { type: "time" }));
    box.append(row, element("span", null, { "data-error-for": "exceptions." + day, class: "allavie-error" }), removeButton("exceptions", i));
    list.append(box);
  });
}

function staffForm(staff) {
  const list = one('[data-list="staff"]');
  list.replaceChildren();
  staff.forEach((member, i) => {
    const at = "staff[" + i + "]";
    const box = fieldset(t("member", { n: i + 1 }) + ": " + (member.name || ""), at);
    box.append(input(at + ".id", t("id"), member.id, { type: "text", maxlength: "32" }));
    if (!member._new) box.querySelector("input").setAttribute("readonly", "");
    box.append(input(at + ".name", t("person_name"), member.name, { type: "text", maxlength: "80" }),
      input(at + ".title.sv", t("title_sv"), text(member.title, "sv"), { type: "text", maxlength: "80" }),
      input(at + ".title.en", t("title_en"), text(member.title, "en"), { type: "text", maxlength: "80" }),
      input(at + ".email", t("email"), member.email, { type: "email", maxlength: "254" }),
      select(at + ".role", t("role"), [["staff", t("role_staff")], ["admin", t("role_admin")]], member.role || "staff"));
    const licence = member.legitimation || {};
    const row = element("div", null, { class: "staff-inline" });
    row.append(select(at + ".legitimation.profession", t("profession"),
      [["", t("profession_none")], ...PROFESSIONS.map((p) => [p, p])], licence.profession || ""),
    input(at + ".legitimation.number", t("licence_number"), licence.number, { type: "text", maxlength: "32" }));
    box.append(row, element("span", null, { "data-error-for": at + ".legitimation", class: "allavie-error" }));
    box.append(input(at + ".own_hours", t("own_hours"), !!member.hours, { type: "checkbox" }));
    WEEKDAYS.forEach((day) => box.append(hoursRow(at + ".hours", day, (member.hours || {})[day])));
    box.append(removeButton("staff", i));
    list.append(box);
  });
}

// --- reading the forms back into the clinic file's shapes ------------------------------------------------

const value = (form, name) => { const el = form.elements.namedItem(name); return el ? el.value.trim() : ""; };
const checked = (form, name) => { const el = form.elements.namedItem(name); return !!(el && el.checked); };
const number = (form, name) => { const raw = value(form, name); return raw === "" ? null : Number(raw); };
const pair = (form, prefix) => (checked(form, prefix + ".open") ? [value(form, prefix + ".opens"), value(form, prefix + ".closes")] : null);

function readTreatments(form) {
  return state.draft.treatments.map((original, i) => {
    const at = "treatments[" + i + "]";
    const treatment = copy(original);
    delete treatment._new;
    Object.assign(treatment, {
      id: value(form, at + ".id"),
      name: { sv: value(form, at + ".name.sv"), en: value(form, at + ".name.en") },
      description: { sv: value(form, at + ".description.sv"), en: value(form, at + ".description.en") },
      duration_minutes: number(form, at + ".duration_minutes"), price_sek: number(form, at + ".price_sek"),
      prepayment_sek: number(form, at + ".prepayment_sek") || 0, vat_percent: number(form, at + ".vat_percent"),
      age_limit: number(form, at + ".age_limit"),
      staff: state.settings.staff.map((m) => m.id).filter((id) => checked(form, at + ".staff." + id)),
    });
    return treatment;
  });
}
function readHours(form) {
  return Object.fromEntries(WEEKDAYS.map((day) => [day, pair(form, "opening_hours." + day)]));
}
function readExceptions(form) {
  const found = {};
  state.draft.exceptions.forEach((_, i) => {
    const at = "exceptions[" + i + "]";
    const sv = value(form, at + ".name.sv"), en = value(form, at + ".name.en");
    found[value(form, at + ".date")] = { name: sv ? { sv, en: en || sv } : null, hours: pair(form, at) };
  });
  return found;
}
function readStaff(form) {
  return state.draft.staff.map((original, i) => {
    const at = "staff[" + i + "]";
    const member = copy(original);
    delete member._new;
    Object.assign(member, { id: value(form, at + ".id"), name: value(form, at + ".name"),
      title: { sv: value(form, at + ".title.sv"), en: value(form, at + ".title.en") },
      role: value(form, at + ".role") });
    const email = value(form, at + ".email");
    if (email) member.email = email; else delete member.email;
    const profession = value(form, at + ".legitimation.profession");
    if (profession) member.legitimation = { profession, number: value(form, at + ".legitimation.number") };
    else delete member.legitimation;
    if (checked(form, at + ".own_hours")) {
      member.hours = {};
      WEEKDAYS.forEach((day) => { const hours = pair(form, at + ".hours." + day); if (hours) member.hours[day] = hours; });
    } else delete member.hours;
    return member;
  });
}
const READERS = { treatments: readTreatments, opening_hours: readHours, exceptions: readExceptions, staff: readStaff };

// --- the preview of the public price list ------------------------------------------------------------------

function preview() {
  const form = one('[data-form="treatments"]');
  const rows = readTreatments(form).map((treatment) => {
    const row = element("tr");
    const name = element("td");
    name.append(element("strong", text(treatment.name, lang)), element("br"), document.createTextNode(text(treatment.description, lang)));
    row.append(name, element("td", (treatment.duration_minutes || 0) + "\u00a0" + t("minutes")),
      element("td", treatment.price_sek ? kronor(treatment.price_sek, lang) : t("free")),
      element("td", treatment.prepayment_sek ? kronor(treatment.prepayment_sek, lang) : t("none")));
    return row;
  });
  one("[data-preview]").replaceChildren(...rows);
}

// --- loading, saving, errors -------------------------------------------------------------------------------

function render() {
  const s = state.draft;
  treatmentsForm(s.treatments, state.settings.staff);
  hoursForm(s.opening_hours);
  exceptionsForm(Object.fromEntries(s.exceptions.map((e) => [e.day, e.value])));
  staffForm(s.staff);
}

async function load() {
  const answer = await api("GET", "/staff/settings");
  if (answer.status === 403) { setState("forbidden"); return false; }
  if (answer.status !== 200) { say(t("error")); return false; }
  state = { version: answer.body.version, settings: answer.body.settings };
  const s = answer.body.settings;
  state.draft = { treatments: copy(s.treatments), opening_hours: copy(s.opening_hours), staff: copy(s.staff),
    exceptions: Object.keys(s.exceptions).sort().map((day) => ({ day, value: s.exceptions[day] })) };
  render();
  await history();
  return true;
}

async function history() {
  const answer = await api("GET", "/staff/settings/history");
  const list = one("[data-history]");
  if (answer.status !== 200) return;
  const changes = answer.body.changes.map((c) => element("li", t("change", {
    version: c.version, at: c.at.slice(0, 16).replace("T", " "), staff: c.staff, section: label("data-section", c.section) })));
  list.replaceChildren(...(changes.length ? changes : [element("li", t("no_changes"))]));
}

function showErrors(form, error) {
  form.querySelectorAll("[data-error-for]").forEach((el) => { el.textContent = ""; });
  form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
  const unplaced = [];
  Object.entries((error && error.fields) || {}).forEach(([name, message]) => {
    const field = name.replace(/^exceptions\.(\d{4}-\d{2}-\d{2})/, (_, day) => "exceptions." + day);
    const slot = form.querySelector('[data-error-for="' + CSS.escape(field) + '"]');
    const named = form.querySelector('[name="' + CSS.escape(field) + '"]');
    if (slot) slot.textContent = message; else unplaced.push(message);
    if (named) named.setAttribute("aria-invalid", "true");
  });
  const summary = form.querySelector("[data-error-summary]");
  summary.textContent = error ? [error.message, ...unplaced].join(" ") : "";
}

async function save(form) {
  const section = form.getAttribute("data-form");
  one("[data-in-use]").hidden = true;
  const answer = await api("PUT", "/staff/settings/" + section, { version: state.version, value: READERS[section](form) });
  if (answer.status === 200) {
    showErrors(form, null);
    await load();
    say(t("saved"));
    return;
  }
  const error = answer.body && answer.body.error;
  if (answer.status === 409 && error && error.code === "version_conflict") {
    await load();
    say(t("conflict"));
    return;
  }
  if (answer.status === 409 && error && error.code === "settings_in_use") {
    const list = one("[data-in-use-list]");
    list.replaceChildren(...error.bookings.map((b) => element("li", b.start.slice(0, 16).replace("T", " ") + " · " + b.service + " · " + b.staff)));
    one("[data-in-use]").hidden = false;
    say(error.message);
    return;
  }
  if (answer.status === 400 && error) {
    showErrors(form, error);
    say(t("fix"));
    return;
  }
  say(t("error"));
}

function keepDraft(form) { // what is typed stays when a row is added or removed
  const section = form.getAttribute("data-form");
  if (section === "exceptions") {
    state.draft.exceptions = Object.entries(readExceptions(form)).map(([day, value]) => ({ day, value }));
  } else if (section !== "opening_hours") state.draft[section] = READERS[section](form);
}

async function start() {
  if (!root) return;
  if (!session()) { setState("signin"); return; }
  const me = await api("GET", "/staff/me");
  if (me.status !== 200) { setState("signin"); return; }
  one('[data-field="me"]').textContent = me.body.staff.name;
  if (me.body.staff.role !== "admin") { setState("forbidden"); return; }
  if (await load()) setState("app");
  all("form[data-form]").forEach((form) => form.addEventListener("submit", (event) => { event.preventDefault(); save(form); }));
  one('[data-form="treatments"]').addEventListener("input", preview);
  root.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const form = button.closest("form");
    const action = button.getAttribute("data-action");
    if (button.hasAttribute("data-remove")) {
      keepDraft(form);
      state.draft[button.getAttribute("data-remove")].splice(Number(button.getAttribute("data-index")), 1);
      render();
    } else if (action === "add-treatment" || action === "add-staff" || action === "add-exception") {
      keepDraft(form);
      if (action === "add-treatment") state.draft.treatments.push({ _new: true, id: "", name: { sv: "", en: "" }, duration_minutes: 30, price_sek: 0, prepayment_sek: 0, vat_percent: 25, age_limit: null, staff: [] });
      if (action === "add-staff") state.draft.staff.push({ _new: true, id: "", name: "", title: { sv: "", en: "" }, role: "staff" });
      if (action === "add-exception") state.draft.exceptions.push({ day: "", value: { name: null, hours: null } });
      render();
    } else if (action === "keep") {
      one("[data-in-use]").hidden = true;
      load();
    }
  });
}

start();
