// The manage page (/hantera/#t=TOKEN&b=BOOKING): shows the booking and offers
// reschedule (with the staff member to choose) and cancel. The token is the booking's own
// link or the customer's data link (from "Mina uppgifter", #...&from=data, which gets a way
// back); it stays in the fragment and goes to the API in a header (lib/api.js).
// Texts are in the page; data goes in as text only.
// The booking's photos and complaints are photos.js's, started here too.
import { fragment, language, linkToken, request } from "../lib/api.js";
import { whenLabel } from "../lib/dates.js";
import { fillField, showErrors, showState } from "../lib/dom.js";
import { kronor } from "../lib/money.js";
import { pageTexts } from "../lib/texts.js";
import { startManagePhotos } from "../parts/photos.js";
import { SlotPicker } from "../parts/slot-picker.js";

function startManage(root) {
  var lang = language();
  var text = pageTexts(root, lang);
  var statusText = pageTexts(root, lang, "status");
  var params = fragment();
  var bookingId = params.get("b");
  var current = null;
  var rescheduleForm = root.querySelector('[data-form="reschedule"]');
  var cancelForm = root.querySelector('[data-form="cancel"]');
  var picker = new SlotPicker(rescheduleForm, root);
  var staffSelect = rescheduleForm.querySelector('select[name="staff"]');
  var givers = null; // service id -> the staff who give it (GET /services), asked for once

  // Only the staff who give the booking's treatment; the choice survives a new render.
  function offerStaff(booking) {
    var keep = staffSelect.value;
    var ids = (givers && givers[booking.service]) || [];
    Array.prototype.forEach.call(staffSelect.options, function (opt) {
      opt.hidden = !!opt.value && ids.indexOf(opt.value) < 0;
      opt.disabled = opt.hidden;
    });
    staffSelect.value = ids.indexOf(keep) >= 0 ? keep : "";
  }

  function loadGivers() {
    if (givers) return Promise.resolve(givers);
    return request("GET", "/services", null, { token: null }).then(function (result) {
      givers = {};
      ((result.body && result.body.services) || []).forEach(function (s) { givers[s.id] = s.staff; });
      return givers;
    }, function () { givers = {}; return givers; });
  }

  function setState(state) { showState(root, state); }

  function fill(name, value) { fillField(root, name, value); }

  function say(message) {
    var el = root.querySelector("[data-message]");
    el.textContent = message;
    if (message) el.focus();
  }

  function when(iso) { return whenLabel(iso, lang); }
  function money(amount) { return kronor(amount, lang); }

  function failed(result) { setState(result && result.status === 401 ? "expired" : result && result.status === 404 ? "expired" : "error"); }

  function render(booking) {
    current = booking;
    fill("service", booking.service_name);
    fill("when", when(booking.start) + "–" + booking.end.slice(11, 16));
    fill("staff", booking.staff_name);
    fill("status", statusText(booking.status));
    fill("note", booking.note || text("none"));
    fill("change_until", when(booking.change_until));
    var open = booking.status === "confirmed" && new Date() < new Date(booking.change_until);
    root.querySelector("[data-changeable]").hidden = !open;
    root.querySelector("[data-too-late]").hidden = open || booking.status !== "confirmed";
    cancelForm.querySelector("[data-confirm-cancel]").hidden = true;
    if (open) {
      loadGivers().then(function () {
        offerStaff(booking);
        picker.load(booking.service, staffSelect.value);
      });
    }
  }

  staffSelect.addEventListener("change", function () {
    if (current) picker.load(current.service, staffSelect.value);
  });

  function showError(form, result) {
    var error = result && result.body && result.body.error;
    if (result && result.status === 401) { setState("expired"); return; }
    if (error && error.code === "slot_taken") error.fields = { start: text("taken") };
    showErrors(form, error || { message: text("failed"), fields: {} });
    form.querySelector("[data-error-summary]").focus();
  }

  rescheduleForm.addEventListener("submit", function (event) {
    event.preventDefault();
    say("");
    if (!picker.selected()) { // said beside the times, not the API's generic "Obligatoriskt fält."
      showErrors(rescheduleForm, { message: "", fields: { start: text("start-required") } });
      (rescheduleForm.querySelector('[name="start"]') || rescheduleForm.elements.day).focus();
      return;
    }
    var wanted = { start: picker.selected() };
    if (staffSelect.value) wanted.staff = staffSelect.value;
    request("POST", "/bookings/" + encodeURIComponent(bookingId) + "/reschedule", wanted)
      .then(function (result) {
        if (result.status === 200) {
          showErrors(rescheduleForm, null);
          render(result.body.booking);
          say(text("moved"));
          return;
        }
        if (result.status === 409 && result.body && result.body.error && result.body.error.code === "slot_taken") {
          picker.load(current.service, staffSelect.value);
        }
        showError(rescheduleForm, result);
      }, function () { showError(rescheduleForm, null); });
  });

  cancelForm.querySelector('[data-action="ask-cancel"]').addEventListener("click", function () {
    cancelForm.querySelector("[data-confirm-cancel]").hidden = false;
    cancelForm.querySelector("[data-confirm-question]").focus();
  });
  cancelForm.querySelector('[data-action="keep"]').addEventListener("click", function () {
    cancelForm.querySelector("[data-confirm-cancel]").hidden = true;
    cancelForm.querySelector('[data-action="ask-cancel"]').focus();
  });

  cancelForm.addEventListener("submit", function (event) {
    event.preventDefault();
    request("POST", "/bookings/" + encodeURIComponent(bookingId) + "/cancel").then(function (result) {
      if (result.status !== 200) { showError(cancelForm, result); return; }
      showErrors(cancelForm, null);
      render(result.body.booking);
      var message = text("cancelled");
      if (result.body.refund && result.body.refund.amount_sek) {
        message += " " + text("refund", { amount: money(result.body.refund.amount_sek) });
      }
      say(message);
    }, function () { showError(cancelForm, null); });
  });

  // Opened from "Mina uppgifter" with its data link: a way back there, with the same link.
  if (params.get("from") === "data" && linkToken()) {
    var back = root.querySelector("[data-back]");
    var backLink = back.querySelector("a");
    backLink.setAttribute("href", backLink.getAttribute("href").split("#")[0] + "#t=" + encodeURIComponent(linkToken()));
    back.hidden = false;
  }

  if (!linkToken() || !bookingId) { setState("no-link"); return; }
  request("GET", "/bookings/" + encodeURIComponent(bookingId)).then(function (result) {
    if (result.status !== 200) { failed(result); return; }
    setState("ready");
    render(result.body.booking);
  }, function () { setState("error"); });
}

const root = document.getElementById("allavie-manage");
if (root) {
  startManage(root);
  startManagePhotos(document.getElementById("allavie-photos"), document.getElementById("allavie-complaint"));
}
