// The manage page's day-and-time picker: a day list, then the day's free times. Every text is in the
// page (Swedish or English); data goes in with textContent only.
import { language, request } from "../lib/api.js";
import { addDays, dayLabel, today } from "../lib/dates.js";
import { clear, el } from "../lib/dom.js";
import { pageTexts } from "../lib/texts.js";

const RANGE_DAYS = 31; // one request of GET /availability at a time (the API allows 62)

function option(value, label) { return el("option", { value: value, text: label }); }

// --- the day-and-time picker ------------------------------------------------------------

// root: the element holding [name=day], [data-action=later], [data-availability],
// [data-times] with [data-time-list]; texts are looked up in textRoot.
export function SlotPicker(root, textRoot) {
  this.root = root;
  this.lang = language();
  this.text = pageTexts(textRoot, this.lang);
  this.day = root.querySelector('[name="day"]');
  this.later = root.querySelector('[data-action="later"]');
  this.status = root.querySelector("[data-availability]");
  this.times = root.querySelector("[data-times]");
  this.list = root.querySelector("[data-time-list]");
  this.byDay = {};
  this.until = null;
  this.query = null;
  this.serial = 0;
  var self = this;
  this.day.addEventListener("change", function () { self.showTimes(); });
  if (this.later) this.later.addEventListener("click", function () { self.more(); });
}

SlotPicker.prototype.reset = function (message) {
  this.byDay = {};
  this.query = null;
  clear(this.day);
  this.day.appendChild(option("", message || this.text("choose-service")));
  this.day.disabled = true;
  if (this.later) this.later.hidden = true;
  this.times.hidden = true;
  clear(this.list);
  this.status.textContent = "";
};

// Load the free times of a service (and staff member, or anyone) from today.
SlotPicker.prototype.load = function (service, staff) {
  this.reset(this.text("loading"));
  if (!service) { this.reset(); return Promise.resolve(); }
  this.query = { service: service, staff: staff || "" };
  var first = today();
  this.until = first;
  return this.fetch(first, addDays(first, RANGE_DAYS - 1));
};

SlotPicker.prototype.more = function () {
  if (!this.query) return Promise.resolve();
  var first = addDays(this.until, 1);
  return this.fetch(first, addDays(first, RANGE_DAYS - 1));
};

SlotPicker.prototype.fetch = function (first, last) {
  var self = this;
  var serial = ++this.serial; // answers to an older choice are dropped
  var path = "/availability?service=" + encodeURIComponent(this.query.service) + "&from=" + first + "&to=" + last +
    (this.query.staff ? "&staff=" + encodeURIComponent(this.query.staff) : "");
  this.status.textContent = this.text("loading");
  return request("GET", path, null, { token: null }).then(function (result) {
    if (serial !== self.serial) return;
    if (result.status !== 200) { self.status.textContent = self.text("failed"); return; }
    self.until = last;
    result.body.slots.forEach(function (slot) {
      var day = slot.start.slice(0, 10); // the API's times carry the Stockholm offset
      (self.byDay[day] = self.byDay[day] || []).push(slot);
    });
    self.renderDays();
  }, function () {
    if (serial === self.serial) self.status.textContent = self.text("failed");
  });
};

SlotPicker.prototype.renderDays = function () {
  var chosen = this.day.value;
  var days = Object.keys(this.byDay).sort();
  clear(this.day);
  if (this.later) this.later.hidden = false;
  if (!days.length) {
    this.day.appendChild(option("", this.text("no-days")));
    this.day.disabled = true;
    this.status.textContent = this.text("no-days");
    this.times.hidden = true;
    return;
  }
  this.day.appendChild(option("", this.text("choose-day")));
  var self = this;
  days.forEach(function (day) { self.day.appendChild(option(day, dayLabel(day, self.lang))); });
  this.day.disabled = false;
  if (chosen && this.byDay[chosen]) this.day.value = chosen;
  this.status.textContent = this.text("days-found", { n: days.length });
  this.showTimes();
};

SlotPicker.prototype.showTimes = function () {
  var slots = this.byDay[this.day.value] || [];
  clear(this.list);
  this.times.hidden = !slots.length;
  var list = this.list;
  slots.forEach(function (slot, i) {
    var id = "slot-" + slot.start.replace(/[^0-9]/g, "") + "-" + i;
    var wrap = document.createElement("span");
    wrap.className = "allavie-slot";
    var input = document.createElement("input");
    input.type = "radio";
    input.name = "start";
    input.value = slot.start;
    input.id = id;
    input.setAttribute("data-staff", slot.staff.join(","));
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = slot.start.slice(11, 16);
    wrap.appendChild(input);
    wrap.appendChild(document.createTextNode(" "));
    wrap.appendChild(label);
    list.appendChild(wrap);
    list.appendChild(document.createTextNode(" "));
  });
  if (slots.length) this.status.textContent = this.text("times-found", { n: slots.length });
};

SlotPicker.prototype.selected = function () {
  var checked = this.list.querySelector('input[name="start"]:checked');
  return checked ? checked.value : null;
};

