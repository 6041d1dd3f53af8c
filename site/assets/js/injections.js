// Treatments under lag (2021:363) on the booking page (/boka/): a regulated treatment says, on its time
// step, that it needs a consultation at least two calendar days before (betänketid) and offers to book
// that consultation first; a 409 consultation_required names the earliest possible day beside the form;
// once the consultation is booked, a button books the treatment with times from two days after it.
// booking.js tells this script what happens (events allavie:service, allavie:consultation-required,
// allavie:booked) and shares its treatments and a restart (Allavie.bookingPage). It stores nothing.
// Texts are in the page; textContent only.
(function () {
  "use strict";

  var A = window.Allavie;
  var page = A && A.bookingPage;
  var root = document.getElementById("allavie-booking");
  if (!page || !root) return;
  var boxes = root.querySelectorAll("[data-consultation]");
  var next = root.querySelector("[data-consultation-next]");
  var current = null; // the treatment shown now
  var wanted = null;  // the treatment the visitor wants, while they book its consultation first

  function text(key, values) {
    var node = root.querySelector('[data-text="' + key + '"]');
    var result = node ? node.textContent : "";
    Object.keys(values || {}).forEach(function (name) { result = result.split("{" + name + "}").join(values[name]); });
    return result;
  }

  // "onsdag 7 april" for "2027-04-07" (noon UTC is that day in Stockholm too).
  function dayText(day) {
    return new Date(day + "T12:00:00Z").toLocaleDateString(A.language() === "en" ? "en-GB" : "sv-SE",
      { timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long" });
  }

  function addDays(day, n) {
    var d = new Date(day + "T12:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

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
})();
