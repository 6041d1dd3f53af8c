// The booking page (/boka/), one step at a time: treatment, then a time (the next 14 days
// from one GET /availability, "Första lediga tid" first, times grouped by part of the day,
// staff as a filter), then the details. The step and what was typed survive reload and Back
// (sessionStorage "allavie.booking" + history state); after booking a reload shows the
// confirmation. "Kom ihåg mina uppgifter" keeps name, e-mail and phone in localStorage
// ("allavie.details"), only when ticked. Both keys are listed on the cookies page.
// Also the return from a redirect payment (Klarna, Swish): ?payment_intent_client_secret=...
// Every text is in the page; data goes in with textContent only, never as HTML.
(function () {
  "use strict";

  var A = window.Allavie;
  var root = document.getElementById("allavie-booking");
  if (!A || !root) return;

  var KEY = "allavie.booking";
  var REMEMBER_KEY = "allavie.details";
  var DAYS = 14;            // one GET /availability for the strip's 14 days
  var MAX_OFFSET = 42;      // later pages of 14 days, within the API's 62-day range
  var POLL_MS = 2000;
  var POLL_FOR_MS = 90000;  // a pending redirect payment: ask this long, then say what to do

  var form = root.querySelector('[data-form="booking"]');
  var staffSelect = root.querySelector('select[name="staff"]');
  var submit = form.querySelector("[data-submit]");
  var submitLabel = submit.textContent;
  var changeHours = parseInt(root.getAttribute("data-change-hours"), 10) || 24;
  var TYPED = ["name", "email", "phone", "note"];
  var TICKED = ["marketing.email", "marketing.sms", "age_confirmed", "remember"];

  var services = {};
  var staffNames = {};
  var byDay = {};
  var serial = 0;
  var state = read(sessionStorage, KEY) || {};
  var ready = false; // DOMContentLoaded: every deferred script (payment.js too) has run
  document.addEventListener("DOMContentLoaded", function () { ready = true; });

  // --- small helpers ---------------------------------------------------------------------------

  function read(storage, key) {
    try { return JSON.parse(storage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save() {
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* storage denied */ }
  }

  function locale() { return A.language() === "en" ? "en-GB" : "sv-SE"; }

  function text(key, values) {
    if (values && typeof values.n === "number" && window.Intl && Intl.PluralRules) {
      var form = new Intl.PluralRules(locale()).select(values.n);
      if (root.querySelector('[data-text="' + key + "-" + form + '"]')) key = key + "-" + form;
    }
    var el = root.querySelector('[data-text="' + key + '"]');
    var result = el ? el.textContent : "";
    Object.keys(values || {}).forEach(function (name) { result = result.split("{" + name + "}").join(String(values[name])); });
    return result;
  }

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function fill(name, value) {
    root.querySelectorAll('[data-field="' + name + '"]').forEach(function (node) { node.textContent = value; });
  }

  function today() {
    return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit" })
      .format(new Date());
  }

  function addDays(day, n) {
    var d = new Date(day + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function dayPart(day, options) {
    return new Date(day + "T12:00:00Z").toLocaleDateString(locale(), Object.assign({ timeZone: "UTC" }, options));
  }

  // "tisdag 1 december 2026 kl. 09:00" / "Tuesday 1 December 2026 at 09:00", always Stockholm time.
  function whenLabel(iso) {
    return new Date(iso).toLocaleString(locale(), {
      timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit",
    });
  }

  function shortWhen(iso) {
    return dayPart(iso.slice(0, 10), { weekday: "short", day: "numeric", month: "short" }) + " " + text("at") + " " +
      iso.slice(11, 16);
  }

  function kronor(amount) { return new Intl.NumberFormat(locale(), { maximumFractionDigits: 0 }).format(amount); }

  function params() { return new URLSearchParams(window.location.search); }

  // --- steps and history ------------------------------------------------------------------------------

  function showState(name) {
    root.querySelectorAll("[data-state]").forEach(function (node) { node.hidden = node.getAttribute("data-state") !== name; });
  }

  function heading(section) {
    var h = section && section.querySelector("h2");
    if (h) h.focus();
  }

  function show(step, how) {
    // how: "push" (a visitor's step forward), "replace", or nothing (reload, Back)
    if (step !== "treatment" && !services[state.service] && Object.keys(services).length) step = "treatment";
    if (step === "details" && !state.start) step = "time";
    state.step = step;
    if (state.service) save(); // nothing is stored before the visitor has chosen something
    showState("form");
    root.querySelectorAll("[data-step]").forEach(function (node) { node.hidden = node.getAttribute("data-step") !== step; });
    root.querySelectorAll("[data-step-mark]").forEach(function (node) {
      if (node.getAttribute("data-step-mark") === step) node.setAttribute("aria-current", "step");
      else node.removeAttribute("aria-current");
    });
    var url = step === "treatment" ? window.location.pathname : window.location.pathname + "?behandling=" + encodeURIComponent(state.service);
    if (how === "push") history.pushState({ step: step }, "", url);
    else if (how === "replace") history.replaceState({ step: step }, "", url);
    if (step === "time") renderTimeStep();
    if (step === "details") renderDetails();
    if (how === "push") heading(root.querySelector('[data-step="' + step + '"]'));
  }

  window.addEventListener("popstate", function (event) {
    if (state.done) { showDone(); return; }
    if (params().get("payment_intent_client_secret")) { paymentReturn(); return; }
    var wanted = params().get("behandling");
    if (wanted && services[wanted] && wanted !== state.service) chooseService(wanted);
    show((event.state && event.state.step) || (wanted ? "time" : "treatment"));
  });

  // --- step 1: treatment ------------------------------------------------------------------------------

  function facts(service) {
    var parts = [service.duration_minutes + " " + text("minutes"),
      service.price_sek ? text("price", { price: kronor(service.price_sek) }) : text("free")];
    if (service.prepayment_sek) parts.push(text("prepay", { amount: kronor(service.prepayment_sek) }));
    return parts.join(" · ");
  }

  function describe(service) { return service.name + " · " + facts(service); }

  function chooseService(id, from) {
    if (state.service !== id) { state.start = null; state.day = null; state.offset = 0; state.from = null; }
    if (from) state.from = from;
    state.service = id;
    root.querySelectorAll("a[data-service]").forEach(function (link) {
      if (link.getAttribute("data-service") === id) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    });
    var service = services[id];
    var keep = state.staff || "";
    Array.prototype.forEach.call(staffSelect.options, function (opt) {
      opt.hidden = !!opt.value && service.staff.indexOf(opt.value) < 0;
      opt.disabled = opt.hidden;
    });
    staffSelect.value = service.staff.indexOf(keep) >= 0 ? keep : "";
    state.staff = staffSelect.value;
    fill("service-summary", describe(service));
    A.showErrors(root.querySelector('[data-step="treatment"]'), null);
    save();
    document.dispatchEvent(new CustomEvent("allavie:service", { detail: { service: service } }));
    loadTimes();
  }

  root.querySelector("[data-service-list]").addEventListener("click", function (event) {
    var link = event.target.closest("a[data-service]");
    if (!link || !services[link.getAttribute("data-service")]) return;
    event.preventDefault();
    chooseService(link.getAttribute("data-service"));
    show("time", "push");
  });

  root.querySelectorAll("[data-go]").forEach(function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-go"), "push"); });
  });

  // --- step 2: the time -----------------------------------------------------------------------------

  var status = root.querySelector("[data-availability]");
  var strip = root.querySelector("[data-days]");
  var times = root.querySelector("[data-times]");
  var firstWrap = root.querySelector("[data-first-wrap]");
  var firstButton = root.querySelector("[data-first]");
  var earlier = root.querySelector('[data-action="earlier"]');
  var later = root.querySelector('[data-action="later"]');

  function range() {
    // state.from: a day the treatment may start from (two days after its consultation, injections.js)
    var first = addDays(state.from && state.from > today() ? state.from : today(), state.offset || 0);
    return { from: first, to: addDays(first, DAYS - 1) };
  }

  function loadTimes() {
    var mine = ++serial; // an answer to an older choice is dropped
    var span = range();
    byDay = {};
    state.loaded = null;
    status.textContent = text("loading");
    clear(strip);
    clear(times);
    firstWrap.hidden = true;
    var path = "/availability?service=" + encodeURIComponent(state.service) + "&from=" + span.from + "&to=" + span.to +
      (state.staff ? "&staff=" + encodeURIComponent(state.staff) : "");
    return A.request("GET", path, null, { token: null }).then(function (result) {
      if (mine !== serial) return;
      if (result.status !== 200) { status.textContent = text("failed"); return; }
      result.body.slots.forEach(function (slot) {
        var day = slot.start.slice(0, 10); // the API's times carry the Stockholm offset
        (byDay[day] = byDay[day] || []).push(slot);
      });
      state.loaded = span.from;
      if (state.day && !byDay[state.day]) state.day = null;
      renderTimeStep();
    }, function () {
      if (mine === serial) status.textContent = text("failed");
    });
  }

  // Why a day without times has none: a named closed day ("Julafton"), a closed weekday, or full.
  function noTimes(day) {
    var node = root.querySelector('[data-holiday="' + day + '"]');
    if (node && node.hasAttribute("data-closed")) return node.textContent;
    var closed = (root.querySelector("[data-closed-weekdays]") || { getAttribute: function () { return ""; } })
      .getAttribute("data-closed-weekdays").split(" ");
    if (node === null && closed.indexOf(String(new Date(day + "T12:00:00Z").getUTCDay())) >= 0) return text("closed");
    return text("full");
  }

  function firstFreeDay() { return Object.keys(byDay).sort()[0] || null; }

  function renderTimeStep() {
    var span = range();
    earlier.hidden = !(state.offset > 0);
    later.hidden = (state.offset || 0) >= MAX_OFFSET;
    if (state.loaded !== span.from) return; // still loading
    var free = Object.keys(byDay).sort();
    var chosenDay = state.day && byDay[state.day] ? state.day : firstFreeDay();
    clear(strip);
    for (var i = 0; i < DAYS; i++) {
      var day = addDays(span.from, i);
      var count = (byDay[day] || []).length;
      var button = el("button", "allavie-day");
      button.type = "button";
      button.setAttribute("data-day", day);
      button.appendChild(el("span", "allavie-day__name", dayPart(day, { weekday: "short" })));
      button.appendChild(el("span", "allavie-day__date", dayPart(day, { day: "numeric", month: "short" })));
      button.appendChild(el("span", "allavie-day__free", count ? text("free-count", { n: count }) : noTimes(day)));
      if (!count) button.disabled = true;
      button.setAttribute("aria-pressed", String(day === chosenDay));
      var item = el("li");
      item.appendChild(button);
      strip.appendChild(item);
    }
    if (!free.length) {
      status.textContent = text("no-days");
      firstWrap.hidden = true;
      clear(times);
      return;
    }
    var first = byDay[free[0]][0];
    fill("first", shortWhen(first.start));
    firstButton.setAttribute("data-start", first.start);
    firstWrap.hidden = (state.offset || 0) > 0;
    status.textContent = text("days-found", { n: free.length });
    renderTimes(chosenDay);
  }

  function renderTimes(day) {
    clear(times);
    var groups = [["morning", 0, 12], ["afternoon", 12, 17], ["evening", 17, 24]];
    var slots = byDay[day] || [];
    groups.forEach(function (group) {
      var inGroup = slots.filter(function (slot) {
        var hour = parseInt(slot.start.slice(11, 13), 10);
        return hour >= group[1] && hour < group[2];
      });
      if (!inGroup.length) return;
      var title = el("h3", "", text(group[0]));
      title.id = "booking-times-" + group[0];
      var list = el("ul", "allavie-time-grid");
      list.setAttribute("aria-labelledby", title.id);
      inGroup.forEach(function (slot) {
        var button = el("button", "allavie-time", slot.start.slice(11, 16));
        button.type = "button";
        button.setAttribute("data-start", slot.start);
        button.setAttribute("aria-label", whenLabel(slot.start));
        button.setAttribute("aria-pressed", String(slot.start === state.start));
        var item = el("li");
        item.appendChild(button);
        list.appendChild(item);
      });
      times.appendChild(title);
      times.appendChild(list);
    });
  }

  strip.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-day]");
    if (!button || button.disabled) return;
    state.day = button.getAttribute("data-day");
    save();
    strip.querySelectorAll("button[data-day]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    renderTimes(state.day);
    status.textContent = text("times-found", { n: (byDay[state.day] || []).length });
  });

  function chooseTime(start) {
    var slot = null;
    Object.keys(byDay).forEach(function (day) {
      byDay[day].forEach(function (s) { if (s.start === start) slot = s; });
    });
    if (!slot) return;
    state.start = start;
    state.day = start.slice(0, 10);
    state.slotStaff = slot.staff;
    A.showErrors(root.querySelector('[data-step="time"]'), null);
    save();
    show("details", "push");
  }

  times.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-start]");
    if (button) chooseTime(button.getAttribute("data-start"));
  });
  firstButton.addEventListener("click", function () { chooseTime(firstButton.getAttribute("data-start")); });

  staffSelect.addEventListener("change", function () {
    state.staff = staffSelect.value;
    state.start = null;
    save();
    loadTimes();
  });
  later.addEventListener("click", function () {
    state.offset = Math.min(MAX_OFFSET, (state.offset || 0) + DAYS);
    state.day = null;
    save();
    loadTimes();
  });
  earlier.addEventListener("click", function () {
    state.offset = Math.max(0, (state.offset || 0) - DAYS);
    state.day = null;
    save();
    loadTimes();
  });

  // --- step 3: details ------------------------------------------------------------------------------

  function field(name) { return form.elements.namedItem(name); }

  function renderDetails() {
    var service = services[state.service];
    if (!service || !state.start) return;
    var who = state.staff ? staffNames[state.staff] || state.staff : text("any-staff");
    fill("choice-summary", service.name + ", " + whenLabel(state.start) + " " + text("with") + " " + who);
    var age = root.querySelector("[data-age]");
    age.hidden = !service.age_limit;
    if (service.age_limit) fill("age", String(service.age_limit));
    // Inside the change deadline: said before the booking is made, not after.
    var late = new Date(state.start).getTime() - Date.now() < changeHours * 3600 * 1000;
    root.querySelector("[data-late]").hidden = !late;
  }

  function restoreFields() {
    var values = state.fields || {};
    var remembered = read(localStorage, REMEMBER_KEY);
    TYPED.forEach(function (name) {
      if (typeof values[name] === "string") field(name).value = values[name];
      else if (remembered && typeof remembered[name] === "string") field(name).value = remembered[name];
    });
    TICKED.forEach(function (name) {
      if (typeof values[name] === "boolean") field(name).checked = values[name];
    });
    if (remembered && typeof values.remember !== "boolean") field("remember").checked = true;
    if (field("note").value) form.querySelector('[data-more="note"]').open = true;
    if (values["marketing.email"] || values["marketing.sms"] || values.reminder === "sms") {
      form.querySelector('[data-more="options"]').open = true;
    }
    if (values.reminder === "sms" || values.reminder === "email") {
      form.querySelector('input[name="reminder"][value="' + values.reminder + '"]').checked = true;
    }
  }

  function keepFields() {
    var values = {};
    TYPED.forEach(function (name) { values[name] = field(name).value; });
    TICKED.forEach(function (name) { values[name] = field(name).checked; });
    values.reminder = form.querySelector('input[name="reminder"]:checked').value;
    state.fields = values;
    save();
  }

  form.addEventListener("input", keepFields);
  form.addEventListener("change", keepFields);

  function body() {
    var data = {
      service: state.service || "",
      start: state.start,
      name: field("name").value,
      email: field("email").value,
      phone: field("phone").value,
      marketing: { email: field("marketing.email").checked, sms: field("marketing.sms").checked },
      reminder: form.querySelector('input[name="reminder"]:checked').value,
      language: A.language(),
    };
    if (state.staff) data.staff = state.staff;
    if (field("note").value.trim()) data.note = field("note").value;
    if (!root.querySelector("[data-age]").hidden) data.age_confirmed = field("age_confirmed").checked;
    return data;
  }

  // --- errors: beside each field, and a summary at the top that links to each ------------------------------

  function fieldMessage(name, message) {
    if (message === text("required") && text("required-" + name)) return text("required-" + name);
    var fix = text("fix-" + name);
    return fix ? message + " " + fix : message;
  }

  function showErrors(error) {
    var fields = (error && error.fields) || {};
    // What the visitor chose before this step: said on its own step, where it can be fixed.
    if (fields.service !== undefined || !services[state.service]) {
      var treatment = root.querySelector('[data-step="treatment"]');
      show("treatment", "push");
      A.showErrors(treatment, { message: "", fields: { service: text("service-required") } });
      root.querySelector("[data-service-list]").focus();
      return;
    }
    if (fields.start !== undefined && Object.keys(fields).length === 1) {
      var timeStep = root.querySelector('[data-step="time"]');
      show("time", "push");
      A.showErrors(timeStep, { message: "", fields: { start: fields.start || text("start-required") } });
      times.focus();
      return;
    }
    var shown = {};
    Object.keys(fields).forEach(function (name) { shown[name] = fieldMessage(name, fields[name]); });
    A.showErrors(form, { message: "", fields: shown });
    form.querySelectorAll('details [aria-invalid="true"]').forEach(function (node) { node.closest("details").open = true; });
    var summary = form.querySelector("[data-error-summary]");
    clear(summary);
    var names = Object.keys(shown);
    summary.appendChild(el("p", "allavie-summary-title", names.length ? text("summary-title") : (error && error.message) || text("failed")));
    if (names.length) {
      var list = el("ul");
      names.forEach(function (name) {
        var target = form.querySelector('[name="' + CSS.escape(name) + '"]');
        var item = el("li");
        var label = text("label-" + name);
        if (target && target.id) {
          var link = el("a", "", (label ? label + ": " : "") + shown[name]);
          link.href = "#" + target.id;
          link.addEventListener("click", function (event) {
            event.preventDefault();
            var folded = target.closest("details");
            if (folded) folded.open = true;
            target.focus();
          });
          item.appendChild(link);
        } else {
          item.textContent = (label ? label + ": " : "") + shown[name];
        }
        list.appendChild(item);
      });
      summary.appendChild(list);
    }
    summary.setAttribute("role", "alert");
    summary.focus();
  }

  function clearErrors() {
    A.showErrors(form, null);
    var summary = form.querySelector("[data-error-summary]");
    clear(summary);
    summary.removeAttribute("role");
  }

  // --- sending ----------------------------------------------------------------------------------

  function sendingState(on) {
    submit.disabled = on;
    submit.textContent = on ? text("sending") : submitLabel;
    if (on) submit.setAttribute("aria-busy", "true");
    else submit.removeAttribute("aria-busy");
  }

  var sending = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) return;
    clearErrors();
    if (!services[state.service]) { showErrors({ fields: { service: "" } }); return; }
    if (!state.start) { showErrors({ fields: { start: text("start-required") } }); return; }
    sending = true;
    sendingState(true);
    var data = body();
    A.request("POST", "/bookings", data).then(function (result) {
      sending = false;
      sendingState(false);
      if (result.status === 201) { booked(result.body, data); return; }
      var error = result.body && result.body.error;
      if (result.status === 409 && error && error.code === "slot_taken") {
        state.start = null;
        save();
        loadTimes();
        showErrors({ fields: { start: text("taken") } });
        return;
      }
      if (result.status === 409 && error && error.code === "consultation_required") {
        document.dispatchEvent(new CustomEvent("allavie:consultation-required", { detail: { error: error, service: data.service } }));
      }
      showErrors(error || { message: text("failed"), fields: {} });
    }, function () {
      sending = false;
      sendingState(false);
      showErrors({ message: text("failed"), fields: {} });
    });
  });

  function booked(answer, data) {
    var booking = answer.booking;
    if (field("remember").checked) {
      try {
        localStorage.setItem(REMEMBER_KEY, JSON.stringify({ name: data.name, email: data.email.trim(), phone: data.phone }));
      } catch (e) { /* storage denied */ }
    } else {
      try { localStorage.removeItem(REMEMBER_KEY); } catch (e) { /* storage denied */ }
    }
    state.done = {
      summary: booking.service_name + ", " + whenLabel(booking.start) + " " + text("with") + " " + booking.staff_name,
      email: data.email.trim(),
      hold_until: booking.hold_until ? booking.hold_until.slice(11, 16) : "",
      payment: answer.payment || null,
    };
    state.fields = null; // what was typed is not kept once it is sent
    save();
    history.replaceState({ step: "done" }, "", window.location.pathname);
    showDone(true);
    // injections.js and the optional photos after booking (photos.js, with the answer's two-hour photo link,
    // never stored) listen for this.
    document.dispatchEvent(new CustomEvent("allavie:booked", { detail: { booking: booking, photos: answer.photos || null } }));
  }

  function showDone(focus) {
    var done = state.done;
    fill("summary", done.summary);
    fill("email", done.email);
    if (done.payment) {
      fill("hold_until", done.hold_until);
      fill("amount", kronor(done.payment.amount_sek));
      showState("payment");
      // payment.js shows the Payment Element (or the test-mode note) and waits for the webhook;
      // on a reload it is not listening yet while this deferred script runs.
      var announce = function () {
        document.dispatchEvent(new CustomEvent("allavie:payment", { detail: { payment: done.payment } }));
      };
      if (ready) announce(); else document.addEventListener("DOMContentLoaded", announce);
    } else {
      showState("done");
    }
    if (focus) heading(root.querySelector('[data-state="' + (done.payment ? "payment" : "done") + '"]'));
  }

  // Confirmed by the webhook while the payment step was shown (payment.js): no payment step on reload.
  document.addEventListener("allavie:confirmed", function () {
    if (state.done) { state.done.payment = null; save(); }
  });

  root.querySelectorAll('[data-action="again"]').forEach(function (button) {
    button.addEventListener("click", function () {
      var keep = state.fields;
      state = { fields: keep };
      save();
      history.pushState({ step: "treatment" }, "", window.location.pathname);
      restoreFields();
      show("treatment");
      heading(root.querySelector('[data-step="treatment"]'));
    });
  });

  // injections.js (treatments under lag 2021:363): the treatments, and a new booking of a treatment
  // from a given day (after its consultation), keeping what was typed.
  A.bookingPage = {
    services: services,
    restart: function (id, from) {
      if (!services[id]) return;
      state = { fields: state.fields };
      chooseService(id, from);
      show("time", "push");
    },
  };

  // --- the return from a redirect payment (Klarna, Swish): ask, never trust the URL alone ------------------

  function paymentReturn() {
    var query = params();
    var secret = query.get("payment_intent_client_secret");
    var redirect = query.get("redirect_status") || "";
    var started = Date.now();
    var box = root.querySelector('[data-state="return"]');
    var title = box.querySelector("[data-return-title]");
    var message = box.querySelector("[data-return-message]");
    var again = box.querySelector("[data-return-again]");
    showState("return");
    title.textContent = text("return-checking");

    function say(kind, focus) {
      title.textContent = text("return-" + kind + "-title");
      message.textContent = text("return-" + kind);
      again.hidden = kind === "confirmed" || kind === "pending";
      if (kind === "confirmed" && state.done) { state.done.payment = null; save(); }
      if (focus) title.focus();
    }

    var lastKind = null;
    function ask() {
      A.request("POST", "/payments/status", { client_secret: secret }, { token: null }).then(function (result) {
        if (result.status === 404) { say("unknown", true); return; }
        if (result.status !== 200 || !result.body) { window.setTimeout(ask, POLL_MS * 2); return; }
        var booking = result.body.booking.status;
        var paying = result.body.payment.status;
        var kind;
        if (booking === "confirmed") kind = "confirmed";
        else if (booking === "lapsed" || booking === "cancelled") kind = "lapsed";
        else if (paying === "succeeded" || paying === "processing") kind = "pending";
        else if (redirect === "failed" || paying === "requires_payment_method" || paying === "canceled") kind = "failed";
        else kind = "pending";
        if (kind !== lastKind) say(kind, lastKind === null || kind === "confirmed");
        lastKind = kind;
        if (kind === "pending") {
          if (Date.now() - started < POLL_FOR_MS) window.setTimeout(ask, POLL_MS);
          else message.textContent = text("return-slow");
        }
      }, function () { window.setTimeout(ask, POLL_MS * 2); });
    }
    ask();
  }

  // The list of treatments is built with the site; the clinic's settings may have changed since (a price, a new
  // treatment, one removed): what differs is rewritten from GET /services, as text.
  function followSettings() {
    var list = root.querySelector("[data-service-list]");
    if (!list) return;
    var seen = {};
    list.querySelectorAll("a[data-service]").forEach(function (link) {
      var service = services[link.getAttribute("data-service")];
      seen[link.getAttribute("data-service")] = true;
      if (!service) { link.parentNode.hidden = true; return; }
      var now = [service.duration_minutes, service.price_sek, service.prepayment_sek].join(" ");
      var meta = link.querySelector(".allavie-treatment__meta");
      if (meta && link.getAttribute("data-built") !== now) meta.textContent = facts(service);
    });
    Object.keys(services).forEach(function (id) {
      if (seen[id]) return;
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.className = "allavie-treatment"; link.href = "?behandling=" + encodeURIComponent(id);
      link.setAttribute("data-service", id);
      var name = document.createElement("span"); name.className = "allavie-treatment__name"; name.textContent = services[id].name;
      var meta = document.createElement("span"); meta.className = "allavie-treatment__meta";
      meta.textContent = facts(services[id]);
      link.appendChild(name); link.appendChild(meta); item.appendChild(link);
      (list.querySelector("ul") || list).appendChild(item);
    });
  }

  // --- start ------------------------------------------------------------------------------------------

  function loadServices(start) {
    return A.request("GET", "/services", null, { token: null }).then(function (result) {
      if (result.status !== 200 || !result.body) { if (start) showState("error"); return; }
      (result.body.staff || []).forEach(function (s) { staffNames[s.id] = s.name; });
      result.body.services.forEach(function (service) { services[service.id] = service; });
      followSettings();
      if (!start) return;
      var wanted = params().get("behandling") || params().get("service");
      var step = history.state && history.state.step;
      if (wanted && services[wanted]) {
        chooseService(wanted);
        show(step && step !== "treatment" ? step : "time", "replace");
      } else {
        if (services[state.service] && step && step !== "treatment") chooseService(state.service);
        show(step && services[state.service] ? step : "treatment", "replace");
      }
    }, function () { if (start) showState("error"); });
  }

  restoreFields();
  if (params().get("payment_intent_client_secret")) {
    paymentReturn();
    loadServices(false);
  } else if (state.done) {
    showDone(false);
    loadServices(false);
  } else {
    loadServices(true);
  }
})();
