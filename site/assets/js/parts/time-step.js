// The booking page's second step: the next 14 days from one GET /availability, "Första lediga tid"
// first, the day's times grouped by part of the day, staff as a filter, and 14 days more or back.
// Texts are in the page; data goes in with textContent only.
import { language, request } from "../lib/api.js";
import { addDays, formatDay, today, weekdayOf, whenLabel } from "../lib/dates.js";
import { clear, el, fillField, showErrors } from "../lib/dom.js";
import { pageTexts } from "../lib/texts.js";

const DAYS = 14;        // one GET /availability for the strip's 14 days
const MAX_OFFSET = 42;  // later pages of 14 days, within the API's 62-day range

// page: state() the booking's state (service, staff, from, offset, day, start, loaded), save(), and
// chosen() when a time is chosen. Returns load() (new times), render() and focus().
export function createTimeStep(root, page) {
  var lang = language();
  var text = pageTexts(root, lang);
  var staffSelect = root.querySelector('select[name="staff"]');
  var byDay = {};
  var serial = 0;

  function S() { return page.state(); }

  function dayPart(day, options) { return formatDay(day, lang, options); }

  function shortWhen(iso) {
    return dayPart(iso.slice(0, 10), { weekday: "short", day: "numeric", month: "short" }) + " " + text("at") + " " +
      iso.slice(11, 16);
  }

  var status = root.querySelector("[data-availability]");
  var strip = root.querySelector("[data-days]");
  var times = root.querySelector("[data-times]");
  var firstWrap = root.querySelector("[data-first-wrap]");
  var firstButton = root.querySelector("[data-first]");
  var earlier = root.querySelector('[data-action="earlier"]');
  var later = root.querySelector('[data-action="later"]');

  function range() {
    // S().from: a day the treatment may start from (two days after its consultation, injections.js)
    var first = addDays(S().from && S().from > today() ? S().from : today(), S().offset || 0);
    return { from: first, to: addDays(first, DAYS - 1) };
  }

  function loadTimes() {
    var mine = ++serial; // an answer to an older choice is dropped
    var span = range();
    byDay = {};
    S().loaded = null;
    status.textContent = text("loading");
    clear(strip);
    clear(times);
    firstWrap.hidden = true;
    var path = "/availability?service=" + encodeURIComponent(S().service) + "&from=" + span.from + "&to=" + span.to +
      (S().staff ? "&staff=" + encodeURIComponent(S().staff) : "");
    return request("GET", path, null, { token: null }).then(function (result) {
      if (mine !== serial) return;
      if (result.status !== 200) { status.textContent = text("failed"); return; }
      result.body.slots.forEach(function (slot) {
        var day = slot.start.slice(0, 10); // the API's times carry the Stockholm offset
        (byDay[day] = byDay[day] || []).push(slot);
      });
      S().loaded = span.from;
      if (S().day && !byDay[S().day]) S().day = null;
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
    earlier.hidden = !(S().offset > 0);
    later.hidden = (S().offset || 0) >= MAX_OFFSET;
    if (S().loaded !== span.from) return; // still loading
    var free = Object.keys(byDay).sort();
    var chosenDay = S().day && byDay[S().day] ? S().day : firstFreeDay();
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
    fillField(root, "first", shortWhen(first.start));
    firstButton.setAttribute("data-start", first.start);
    firstWrap.hidden = (S().offset || 0) > 0;
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
        button.setAttribute("aria-label", whenLabel(slot.start, lang));
        button.setAttribute("aria-pressed", String(slot.start === S().start));
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
    S().day = button.getAttribute("data-day");
    page.save();
    strip.querySelectorAll("button[data-day]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
    renderTimes(S().day);
    status.textContent = text("times-found", { n: (byDay[S().day] || []).length });
  });

  function chooseTime(start) {
    var slot = null;
    Object.keys(byDay).forEach(function (day) {
      byDay[day].forEach(function (s) { if (s.start === start) slot = s; });
    });
    if (!slot) return;
    S().start = start;
    S().day = start.slice(0, 10);
    S().slotStaff = slot.staff;
    showErrors(root.querySelector('[data-step="time"]'), null);
    page.save();
    page.chosen();
  }

  times.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-start]");
    if (button) chooseTime(button.getAttribute("data-start"));
  });
  firstButton.addEventListener("click", function () { chooseTime(firstButton.getAttribute("data-start")); });

  staffSelect.addEventListener("change", function () {
    S().staff = staffSelect.value;
    S().start = null;
    page.save();
    loadTimes();
  });
  later.addEventListener("click", function () {
    S().offset = Math.min(MAX_OFFSET, (S().offset || 0) + DAYS);
    S().day = null;
    page.save();
    loadTimes();
  });
  earlier.addEventListener("click", function () {
    S().offset = Math.max(0, (S().offset || 0) - DAYS);
    S().day = null;
    page.save();
    loadTimes();
  });

  return { load: loadTimes, render: renderTimeStep, focus: function () { times.focus(); } };
}
