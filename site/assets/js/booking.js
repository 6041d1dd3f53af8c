// The booking page (/boka/): treatment, staff member or anyone, day, time, then
// details and consents. Also the day-and-time picker that the manage page reuses
// (window.Allavie.SlotPicker). Every text is in the page (Swedish or English);
// this script fills in data with textContent only, never HTML.
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

  // --- the booking page -----------------------------------------------------------------------

  var root = document.getElementById("allavie-booking");
  if (!root) return;

  var form = root.querySelector('[data-form="booking"]');
  var serviceSelect = form.elements.service;
  var staffSelect = form.elements.staff;
  var picker = new SlotPicker(form, root);
  var services = {};
  var staffNames = {};

  function setState(state) {
    root.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.getAttribute("data-state") !== state; });
    var heading = root.querySelector('[data-state="' + state + '"] h2');
    if (heading) heading.focus();
  }

  function fill(name, value) {
    root.querySelectorAll('[data-field="' + name + '"]').forEach(function (el) { el.textContent = value; });
  }

  function describe(service) {
    var parts = [service.duration_minutes + " " + textOf(root, "minutes"),
      service.price_sek ? textOf(root, "price", { price: kronor(service.price_sek) }) : textOf(root, "free")];
    if (service.prepayment_sek) parts.push(textOf(root, "prepay", { amount: kronor(service.prepayment_sek) }));
    if (service.age_limit) parts.push(textOf(root, "age", { age: service.age_limit }));
    return (service.description ? service.description + " " : "") + "(" + parts.join(", ") + ")";
  }

  function chooseService() {
    var service = services[serviceSelect.value];
    var info = root.querySelector("[data-service-info]");
    info.textContent = service ? describe(service) : "";
    var keep = staffSelect.value;
    clear(staffSelect);
    staffSelect.appendChild(option("", textOf(root, "any")));
    (service ? service.staff : []).forEach(function (id) { staffSelect.appendChild(option(id, staffNames[id] || id)); });
    if (service && service.staff.indexOf(keep) >= 0) staffSelect.value = keep;
    root.querySelector("[data-age]").hidden = !(service && service.age_limit);
    picker.load(serviceSelect.value, staffSelect.value);
  }

  function body() {
    var data = {
      service: serviceSelect.value,
      start: picker.selected(),
      name: form.elements.name.value,
      email: form.elements.email.value,
      phone: form.elements.phone.value,
      marketing: { email: form.elements["marketing.email"].checked, sms: form.elements["marketing.sms"].checked },
      reminder: form.querySelector('input[name="reminder"]:checked').value,
      language: A.language(),
    };
    if (staffSelect.value) data.staff = staffSelect.value;
    if (form.elements.note.value.trim()) data.note = form.elements.note.value;
    if (!root.querySelector("[data-age]").hidden) data.age_confirmed = form.elements.age_confirmed.checked;
    return data;
  }

  function showError(error) {
    // No time chosen: "Välj en tid." beside the times, not the API's generic "Obligatoriskt fält.".
    if (error && error.fields && error.fields.start && !picker.selected()) {
      error.fields.start = textOf(root, "start-required");
    }
    A.showErrors(form, error);
    var invalid = form.querySelector('[aria-invalid="true"]');
    if (invalid && typeof invalid.focus === "function") invalid.focus();
    else form.querySelector("[data-error-summary]").focus();
  }

  function done(answer, data) {
    var booking = answer.booking;
    // The optional photos after booking (photos.js) listen for this.
    document.dispatchEvent(new CustomEvent("allavie:booked", { detail: answer }));
    var summary = booking.service_name + ", " + whenLabel(booking.start) + " " + textOf(root, "with") + " " + booking.staff_name;
    fill("summary", summary);
    fill("email", data.email.trim());
    if (answer.payment) {
      fill("hold_until", booking.hold_until ? booking.hold_until.slice(11, 16) : "");
      fill("amount", kronor(answer.payment.amount_sek));
      setState("payment");
      // The payment step (issue 4) listens for this; the booking holds the time meanwhile.
      document.dispatchEvent(new CustomEvent("allavie:payment", { detail: { booking: booking, payment: answer.payment } }));
    } else {
      setState("done");
    }
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    sending = true;
    var submit = form.querySelector('[type="submit"]');
    submit.disabled = true;
    var data = body();
    A.request("POST", "/bookings", data).then(function (result) {
      sending = false;
      submit.disabled = false;
      if (result.status === 201) { done(result.body, data); return; }
      var error = result.body && result.body.error;
      if (result.status === 409 && error && error.code === "slot_taken") {
        error.fields = { start: textOf(root, "taken") };
        showError(error);
        picker.load(serviceSelect.value, staffSelect.value);
        return;
      }
      showError(error || { message: textOf(root, "failed"), fields: {} });
    }, function () {
      sending = false;
      submit.disabled = false;
      showError({ message: textOf(root, "failed"), fields: {} });
    });
  });

  serviceSelect.addEventListener("change", chooseService);
  staffSelect.addEventListener("change", function () { picker.load(serviceSelect.value, staffSelect.value); });

  A.request("GET", "/services", null, { token: null }).then(function (result) {
    if (result.status !== 200) { setState("error"); return; }
    (result.body.staff || []).forEach(function (s) { staffNames[s.id] = s.name; });
    result.body.services.forEach(function (service) {
      services[service.id] = service;
      serviceSelect.appendChild(option(service.id, service.name));
    });
    var wanted = new URLSearchParams(window.location.search).get("behandling") ||
      new URLSearchParams(window.location.search).get("service");
    if (wanted && services[wanted]) serviceSelect.value = wanted;
    root.querySelectorAll("[data-state]").forEach(function (el) { el.hidden = el.getAttribute("data-state") !== "form"; });
    chooseService();
  }, function () { setState("error"); });
})();
