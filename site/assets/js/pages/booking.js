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
import { whenLabel } from "../lib/dates.js";
import { fillField, showErrors as showFieldErrors, showState as showStateIn } from "../lib/dom.js";
import { kronor } from "../lib/money.js";
import { readJson, remove, writeJson } from "../lib/storage.js";
import { pageTexts } from "../lib/texts.js";
import { clearSummary, showSummary } from "../parts/error-summary.js";
import { startInjections } from "../parts/injections.js";
import { showPaymentReturn, startPayment } from "../parts/payment.js";
import { startBookingPhotos } from "../parts/photos.js";
import { createTimeStep } from "../parts/time-step.js";

// Returns the page's treatments and a restart (for injections.js) and its start().
function createBooking(root) {

  var KEY = "allavie.booking";
  var REMEMBER_KEY = "allavie.details";

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
  var state = readJson(sessionStorage, KEY) || {};

  // --- small helpers ---------------------------------------------------------------------------

  function save() { writeJson(sessionStorage, KEY, state); }

  function fill(name, value) { fillField(root, name, value); }

  function when(iso) { return whenLabel(iso, lang); }

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

  // --- step 2: the time (parts/time-step.js) ---------------------------------------------------------

  var timeStep = createTimeStep(root, {
    state: function () { return state; },
    save: save,
    chosen: function () { show("details", "push"); },
  });
  function loadTimes() { return timeStep.load(); }
  function renderTimeStep() { timeStep.render(); }

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

  // --- errors: beside each field, and a summary at the top that links to each (parts/error-summary.js) ------

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
      show("time", "push");
      showFieldErrors(root.querySelector('[data-step="time"]'), { message: "", fields: { start: fields.start || text("start-required") } });
      timeStep.focus();
      return;
    }
    showSummary(form, text, error);
  }

  function clearErrors() { clearSummary(form); }

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


  // --- the return from a redirect payment (Klarna, Swish): parts/payment.js ----------------------------

  function paymentReturn() {
    showState("return");
    showPaymentReturn(root.querySelector('[data-state="return"]'), text, params(), function () {
      if (state.done) { state.done.payment = null; save(); }
    });
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
