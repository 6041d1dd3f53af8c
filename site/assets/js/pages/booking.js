// The booking page (/boka/), one step at a time: treatment, then a time (the next 14 days
// from one GET /availability, "Första lediga tid" first, times grouped by part of the day,
// staff as a filter), then the details. The step and what was typed survive reload and Back
// (sessionStorage "allavie.booking" + history state); after booking a reload shows the
// confirmation. "Kom ihåg mina uppgifter" keeps name, e-mail and phone in localStorage
// ("allavie.details"), only when ticked. Both keys are listed on the cookies page.
// Also the return from a redirect payment (Klarna, Swish): ?payment_intent_client_secret=...
// Every text is in the page; data goes in with textContent only, never as HTML.
// The page's other parts start here too: the prepayment (payment.js), lag (2021:363)'s consultations
// (injections.js) and the photos after booking (photos.js); they hear of the booking by events.
import { language, request } from "../lib/api.js";
import { addDays, formatDay, today, weekdayOf, whenLabel } from "../lib/dates.js";
import { clear, el, fillField, showErrors as showFieldErrors, showState as showStateIn } from "../lib/dom.js";
import { kronor } from "../lib/money.js";
import { readJson, remove, writeJson } from "../lib/storage.js";
import { pageTexts } from "../lib/texts.js";
import { startInjections } from "../parts/injections.js";
import { startPayment } from "../parts/payment.js";
import { startBookingPhotos } from "../parts/photos.js";

// Returns the page's treatments and a restart (for injections.js) and its start().
function createBooking(root) {

  var KEY = "allavie.booking";
  var REMEMBER_KEY = "allavie.details";
  var DAYS = 14;            // one GET /availability for the strip's 14 days
  var MAX_OFFSET = 42;      // later pages of 14 days, within the API's 62-day range
  var POLL_MS = 2000;
  var POLL_FOR_MS = 90000;  // a pending redirect payment: ask this long, then say what to do

  var lang = language();
  var text = pageTexts(root, lang);
  var form = root.querySelector('[data-form="booking"]');
  var staffSelect = root.querySelector('select[name="staff"]');
  var submit = form.querySelector("[data-submit]");
  var submitLabel = submit.textContent;
  var changeHours = parseInt(root.getAttribute("data-change-hours"), 10); // clinic.yml, by the build
  var TYPED = ["name", "email", "phone", "note"];
  var TICKED = ["marketing.email", "marketing.sms", "age_confirmed", "remember"];

  var services = {};
  var staffNames = {};
  var byDay = {};
  var serial = 0;
  var state = readJson(sessionStorage, KEY) || {};

  // --- small helpers ---------------------------------------------------------------------------

  function save() { writeJson(sessionStorage, KEY, state); }

  function fill(name, value) { fillField(root, name, value); }

  function dayPart(day, options) { return formatDay(day, lang, options); }

  function when(iso) { return whenLabel(iso, lang); }

  function shortWhen(iso) {
    return dayPart(iso.slice(0, 10), { weekday: "short", day: "numeric", month: "short" }) + " " + text("at") + " " +
      iso.slice(11, 16);
  }

  function money(amount) { return kronor(amount, lang); }

  function params() { return new URLSearchParams(window.location.search); }

  // --- steps and history ------------------------------------------------------------------------------

  function showState(name) { showStateIn(root, name); }

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

  function describe(service) {
    var parts = [service.duration_minutes + " " + text("minutes"),
      service.price_sek ? text("price", { price: money(service.price_sek) }) : text("free")];
    if (service.prepayment_sek) parts.push(text("prepay", { amount: money(service.prepayment_sek) }));
    return service.name + " · " + parts.join(" · ");
  }

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
    showFieldErrors(root.querySelector('[data-step="treatment"]'), null);
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
    return request("GET", path, null, { token: null }).then(function (result) {
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
    if (node === null && closed.indexOf(String(weekdayOf(day))) >= 0) return text("closed");
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
      var button = el("button", { "class": "allavie-day" });
      button.type = "button";
      button.setAttribute("data-day", day);
      button.appendChild(el("span", { "class": "allavie-day__name", text: dayPart(day, { weekday: "short" }) }));
      button.appendChild(el("span", { "class": "allavie-day__date", text: dayPart(day, { day: "numeric", month: "short" }) }));
      button.appendChild(el("span", { "class": "allavie-day__free", text: count ? text("free-count", { n: count }) : noTimes(day) }));
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
      var title = el("h3", { text: text(group[0]) });
      title.id = "booking-times-" + group[0];
      var list = el("ul", { "class": "allavie-time-grid" });
      list.setAttribute("aria-labelledby", title.id);
      inGroup.forEach(function (slot) {
        var button = el("button", { "class": "allavie-time", text: slot.start.slice(11, 16) });
        button.type = "button";
        button.setAttribute("data-start", slot.start);
        button.setAttribute("aria-label", when(slot.start));
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
    showFieldErrors(root.querySelector('[data-step="time"]'), null);
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
    fill("choice-summary", service.name + ", " + when(state.start) + " " + text("with") + " " + who);
    var age = root.querySelector("[data-age]");
    age.hidden = !service.age_limit;
    if (service.age_limit) fill("age", String(service.age_limit));
    // Inside the change deadline: said before the booking is made, not after.
    var late = new Date(state.start).getTime() - Date.now() < changeHours * 3600 * 1000;
    root.querySelector("[data-late]").hidden = !late;
  }

  function restoreFields() {
    var values = state.fields || {};
    var remembered = readJson(localStorage, REMEMBER_KEY);
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
      language: lang,
    };
    if (state.staff) data.staff = state.staff;
    if (field("note").value.trim()) data.note = field("note").value;
    if (!root.querySelector("[data-age]").hidden) data.age_confirmed = field("age_confirmed").checked;
    return data;
  }

  // --- errors: beside each field, and a summary at the top that links to each ------------------------------

  function fieldMessage(name, message) {
    if (message === text("required") && text.has("required-" + name)) return text("required-" + name);
    return text.has("fix-" + name) ? message + " " + text("fix-" + name) : message;
  }

  function showErrors(error) {
    var fields = (error && error.fields) || {};
    // What the visitor chose before this step: said on its own step, where it can be fixed.
    if (fields.service !== undefined || !services[state.service]) {
      var treatment = root.querySelector('[data-step="treatment"]');
      show("treatment", "push");
      showFieldErrors(treatment, { message: "", fields: { service: text("service-required") } });
      root.querySelector("[data-service-list]").focus();
      return;
    }
    if (fields.start !== undefined && Object.keys(fields).length === 1) {
      var timeStep = root.querySelector('[data-step="time"]');
      show("time", "push");
      showFieldErrors(timeStep, { message: "", fields: { start: fields.start || text("start-required") } });
      times.focus();
      return;
    }
    var shown = {};
    Object.keys(fields).forEach(function (name) { shown[name] = fieldMessage(name, fields[name]); });
    showFieldErrors(form, { message: "", fields: shown });
    form.querySelectorAll('details [aria-invalid="true"]').forEach(function (node) { node.closest("details").open = true; });
    var summary = form.querySelector("[data-error-summary]");
    clear(summary);
    var names = Object.keys(shown);
    summary.appendChild(el("p", { "class": "allavie-summary-title", text: names.length ? text("summary-title") : (error && error.message) || text("failed") }));
    if (names.length) {
      var list = el("ul");
      names.forEach(function (name) {
        var target = form.querySelector('[name="' + CSS.escape(name) + '"]');
        var item = el("li");
        var label = text.has("label-" + name) ? text("label-" + name) : "";
        if (target && target.id) {
          var link = el("a", { text: (label ? label + ": " : "") + shown[name] });
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
    showFieldErrors(form, null);
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
    request("POST", "/bookings", data).then(function (result) {
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
      writeJson(localStorage, REMEMBER_KEY, { name: data.name, email: data.email.trim(), phone: data.phone });
    } else {
      remove(localStorage, REMEMBER_KEY);
    }
    state.done = {
      summary: booking.service_name + ", " + when(booking.start) + " " + text("with") + " " + booking.staff_name,
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
      fill("amount", money(done.payment.amount_sek));
      showState("payment");
      // payment.js (started before this) shows the Payment Element (or the test-mode note) and waits
      // for the webhook.
      document.dispatchEvent(new CustomEvent("allavie:payment", { detail: { payment: done.payment } }));
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
      request("POST", "/payments/status", { client_secret: secret }, { token: null }).then(function (result) {
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

  // --- start ------------------------------------------------------------------------------------------

  function loadServices(start) {
    return request("GET", "/services", null, { token: null }).then(function (result) {
      if (result.status !== 200 || !result.body) { if (start) showState("error"); return; }
      (result.body.staff || []).forEach(function (s) { staffNames[s.id] = s.name; });
      result.body.services.forEach(function (service) { services[service.id] = service; });
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

  function start() {
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
  }

  // injections.js (treatments under lag 2021:363): the treatments, and a new booking of a treatment
  // from a given day (after its consultation), keeping what was typed.
  return {
    services: services,
    restart: function (id, from) {
      if (!services[id]) return;
      state = { fields: state.fields };
      chooseService(id, from);
      show("time", "push");
    },
    start: start,
  };
}

const root = document.getElementById("allavie-booking");
if (root) {
  // The payment step listens before the booking may announce one (a reload of the payment step).
  startPayment(document.getElementById("allavie-payment"), root);
  startBookingPhotos(document.getElementById("allavie-booking-photos"));
  const booking = createBooking(root);
  startInjections(root, booking);
  booking.start();
}
