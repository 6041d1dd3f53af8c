// Treatments under lag (2021:363) on the booking page (/boka/): a regulated treatment says that it needs
// a consultation at least two calendar days before (betänketid), and offers to book that consultation
// first; once it is booked, a link opens the treatment's times from two days after it
// (?behandling=ID&from=DATE). After a 409 consultation_required it names the earliest possible day.
// booking.js tells this script what happens (events allavie:service, allavie:consultation-required,
// allavie:booked) and shares its treatments (Allavie.bookingPage). Texts are in the page; textContent only.
(function () {
  "use strict";

  var A = window.Allavie;
  var page = A && A.bookingPage;
  if (!page) return;
  var root = page.root;
  var box = root.querySelector("[data-consultation]");
  if (!box) return;
  var say = box.querySelector("[data-consultation-text]");
  var button = box.querySelector("[data-consultation-book]");
  var next = root.querySelector("[data-consultation-next]");
  var select = page.form.elements.service;
  var asked = new URLSearchParams(window.location.search).get("behandling");
  var wanted = null; // the treatment the visitor wants, while they book its consultation first

  function text(key, values) { return A.bookingText.textOf(root, key, values); }

  // "onsdag 7 april" for "2027-04-07" (noon UTC is that day in Stockholm too).
  function dayText(day) { return A.bookingText.dayLabel(day + "T12:00:00Z"); }

  function addDays(day, n) {
    var d = new Date(day + "T00:00:00Z");
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function consultationOf(service) {
    return service && service.regulated && service.requires ? page.services[service.requires] : null;
  }

  // "Läppförstoring med filler" inside a sentence: "boka läppförstoring med filler".
  function inSentence(name) { return name.charAt(0).toLowerCase() + name.slice(1); }

  function show(service, error) {
    if (!consultationOf(service)) { box.hidden = true; return; }
    box.hidden = false; // shown first, so that the live region announces the text
    if (!error) say.textContent = text("consult-note");
    else say.textContent = error.earliest ? text("consult-earliest", { date: dayText(error.earliest) }) : text("consult-none");
  }

  document.addEventListener("allavie:service", function (event) {
    var service = event.detail.service;
    // A "from" day belongs to the treatment the link was for, not to another one chosen here.
    if (!service || service.id !== asked) page.picker.from = null;
    show(service, null);
  });

  document.addEventListener("allavie:consultation-required", function (event) {
    show(page.services[event.detail.service], event.detail.error);
  });

  button.addEventListener("click", function () {
    var service = page.services[select.value];
    var consultation = consultationOf(service);
    if (!consultation) return;
    wanted = service.id;
    select.value = consultation.id;
    select.dispatchEvent(new Event("change")); // booking.js shows the consultation's times
    select.focus();
  });

  document.addEventListener("allavie:booked", function (event) {
    var booking = event.detail.booking;
    var treatment = wanted && page.services[wanted];
    if (!next || !treatment || booking.service !== treatment.requires) return;
    var from = addDays(booking.start.slice(0, 10), 2); // the API's times carry the Stockholm offset
    next.querySelector("[data-consultation-next-text]").textContent =
      text("consult-next", { treatment: inSentence(treatment.name), date: dayText(from) });
    var link = next.querySelector("[data-consultation-next-link]");
    link.href = "?behandling=" + encodeURIComponent(treatment.id) + "&from=" + from;
    link.textContent = text("consult-next-link", { treatment: inSentence(treatment.name) });
    next.hidden = false;
  });
})();
