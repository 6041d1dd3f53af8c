// The manage page's day-and-time picker (window.Allavie.SlotPicker: a day list, then the
// day's free times) and the date and price texts it shares (window.Allavie.bookingText).
// Every text is in the page (Swedish or English); data goes in with textContent only.
(function () {
  "use strict";

  var A = window.Allavie;
  if (!A) return;

  var RANGE_DAYS = 31; // one request of GET /availability at a time (the API allows 62)

  // A count's text may have a variant per plural form ("times-found-one": "1 ledig tid"),
  // chosen by the page's language; without one the plain key ("{n} lediga tider") is used.
  function textOf(root, key, values) {
    if (values && typeof values.n === "number" && window.Intl && Intl.PluralRules) {
      var form = new Intl.PluralRules(locale()).select(values.n);
      if (root.querySelector('[data-text="' + key + "-" + form + '"]')) key = key + "-" + form;
    }
    var el = root.querySelector('[data-text="' + key + '"]');
    var text = el ? el.textContent : key;
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(String(values[name])); });
    return text;
  }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function option(value, label) {
    var el = document.createElement("option");
    el.value = value;
    el.textContent = label;
    return el;
  }

  function locale() { return A.language() === "en" ? "en-GB" : "sv-SE"; }

  // Today in Stockholm as YYYY-MM-DD (the clinic's days, whatever the visitor's zone).
  function today() {
    return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date());
  }

  function addDays(day, n) {
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function dayLabel(iso) {
    return new Date(iso).toLocaleDateString(locale(), { timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long" });
  }

  // "tisdag 1 december 2026 kl. 09:00" / "Tuesday 1 December 2026 at 09:00", always Stockholm time.
  function whenLabel(iso) {
    return new Date(iso).toLocaleString(locale(), {
      timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit",
    });
  }

  // Whole kronor grouped as on the price list: "1 200" (sv), "1,200" (en).
  function kronor(amount) { return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(amount); }

  // --- the day-and-time picker ------------------------------------------------------------

  // root: the element holding [name=day], [data-action=later], [data-availability],
  // [data-times] with [data-time-list]; texts are looked up in textRoot.
  function SlotPicker(root, textRoot) {
    this.root = root;
    this.textRoot = textRoot;
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
    this.day.appendChild(option("", message || textOf(this.textRoot, "choose-service")));
    this.day.disabled = true;
    if (this.later) this.later.hidden = true;
    this.times.hidden = true;
    clear(this.list);
    this.status.textContent = "";
  };

  // Load the free times of a service (and staff member, or anyone) from today.
  SlotPicker.prototype.load = function (service, staff) {
    this.reset(textOf(this.textRoot, "loading"));
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
    this.status.textContent = textOf(this.textRoot, "loading");
    return A.request("GET", path, null, { token: null }).then(function (result) {
      if (serial !== self.serial) return;
      if (result.status !== 200) { self.status.textContent = textOf(self.textRoot, "failed"); return; }
      self.until = last;
      result.body.slots.forEach(function (slot) {
        var day = slot.start.slice(0, 10); // the API's times carry the Stockholm offset
        (self.byDay[day] = self.byDay[day] || []).push(slot);
      });
      self.renderDays();
    }, function () {
      if (serial === self.serial) self.status.textContent = textOf(self.textRoot, "failed");
    });
  };

  SlotPicker.prototype.renderDays = function () {
    var chosen = this.day.value;
    var days = Object.keys(this.byDay).sort();
    clear(this.day);
    if (this.later) this.later.hidden = false;
    if (!days.length) {
      this.day.appendChild(option("", textOf(this.textRoot, "no-days")));
      this.day.disabled = true;
      this.status.textContent = textOf(this.textRoot, "no-days");
      this.times.hidden = true;
      return;
    }
    this.day.appendChild(option("", textOf(this.textRoot, "choose-day")));
    var self = this;
    days.forEach(function (day) { self.day.appendChild(option(day, dayLabel(self.byDay[day][0].start))); });
    this.day.disabled = false;
    if (chosen && this.byDay[chosen]) this.day.value = chosen;
    this.status.textContent = textOf(this.textRoot, "days-found", { n: days.length });
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
    if (slots.length) this.status.textContent = textOf(this.textRoot, "times-found", { n: slots.length });
  };

  SlotPicker.prototype.selected = function () {
    var checked = this.list.querySelector('input[name="start"]:checked');
    return checked ? checked.value : null;
  };

  A.SlotPicker = SlotPicker;
  A.bookingText = { dayLabel: dayLabel, whenLabel: whenLabel, textOf: textOf, kronor: kronor };
})();
