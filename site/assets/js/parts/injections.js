// Treatments under lag (2021:363) on the booking page (/boka/): a regulated treatment says, on its time
// step, that it needs a consultation at least two calendar days before (betänketid) and offers to book
// that consultation first; a 409 consultation_required names the earliest possible day beside the form;
// once the consultation is booked, a button books the treatment with times from two days after it.
// booking.js tells this script what happens (events allavie:service, allavie:consultation-required,
// allavie:booked) and shares its treatments and a restart (page). It stores nothing.
// Texts are in the page; textContent only.
import { language } from "../lib/api.js";
import { addDays, dayLabel } from "../lib/dates.js";
import { pageTexts } from "../lib/texts.js";

// page: {services, restart(id, from)} of the booking page.
export function startInjections(root, page) {
  var lang = language();
  var text = pageTexts(root, lang);
  var boxes = root.querySelectorAll("[data-consultation]");
  var next = root.querySelector("[data-consultation-next]");
  var current = null; // the treatment shown now
  var wanted = null;  // the treatment the visitor wants, while they book its consultation first

  // "onsdag 7 april" for "2027-04-07".
  function dayText(day) { return dayLabel(day, lang); }

  // "Läppförstoring med filler" inside a sentence: "boka läppförstoring med filler".
  function inSentence(name) { return name.charAt(0).toLowerCase() + name.slice(1); }

  function consultationOf(service) {
    return service && service.regulated && service.requires ? page.services[service.requires] : null;
  }

  function show(kind, message) {
    boxes.forEach(function (box) {
      var here = box.getAttribute("data-consultation") === kind && !!message;
      box.hidden = !here; // shown first, so that its live region announces the text
      if (here) box.querySelector("[data-consultation-text]").textContent = message;
    });
  }

  document.addEventListener("allavie:service", function (event) {
    current = event.detail.service;
    show("note", consultationOf(current) ? text("consult-note") : "");
  });

  document.addEventListener("allavie:consultation-required", function (event) {
    current = page.services[event.detail.service] || current;
    var earliest = event.detail.error.earliest;
    show("refused", earliest ? text("consult-earliest", { date: dayText(earliest) }) : text("consult-none"));
  });

  root.querySelectorAll("[data-consultation-book]").forEach(function (button) {
    button.addEventListener("click", function () {
      var consultation = consultationOf(current);
      if (!consultation) return;
      wanted = current.id;
      page.restart(consultation.id); // booking.js shows the consultation's times, keeping what was typed
    });
  });

  document.addEventListener("allavie:booked", function (event) {
    var booking = event.detail.booking;
    var treatment = wanted && page.services[wanted];
    if (!next) return;
    next.hidden = !(treatment && booking.service === treatment.requires);
    if (next.hidden) return;
    var from = addDays(booking.start.slice(0, 10), 2); // the API's times carry the Stockholm offset
    next.querySelector("[data-consultation-next-text]").textContent =
      text("consult-next", { treatment: inSentence(treatment.name), date: dayText(from) });
    var button = next.querySelector("[data-consultation-next-book]");
    button.textContent = text("consult-next-book", { treatment: inSentence(treatment.name) });
    button.onclick = function () {
      next.hidden = true;
      wanted = null;
      page.restart(treatment.id, from);
    };
  });
}
