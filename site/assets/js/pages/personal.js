// The back office (/personal/): sign in with the e-mailed link and an authenticator code, then the day
// and week calendars, bookings for callers, blocked time, outcomes, customers and the calendar feed
// (complaints and a booking's photos are parts/staff-complaints.js, given this page's helpers at the end).
// Every text is in the page; data is filled in with textContent, never HTML. The session id is kept in
// sessionStorage (this tab only, 8 hours at most; lib/staff.js) and sent to the API in a header.
import { fragment, language, request } from "../lib/api.js";
import { addDays, dayLabel, mondayOf, today } from "../lib/dates.js";
import { all as allIn, clear, el, saveJson, showErrors, showState } from "../lib/dom.js";
import { errorOf as errorIn, forget, session, staffRequest } from "../lib/staff.js";
import { pageTexts } from "../lib/texts.js";
import { createBlocks } from "../parts/staff-blocks.js";
import { startStaffComplaints } from "../parts/staff-complaints.js";
import { createSignin } from "../parts/staff-signin.js";

function startStaff(root) {
  var lang = language();
  var t = pageTexts(root, lang);
  var me = null, colleagues = [], services = [], current = { view: "day", booking: null, customer: null };

  function all(sel, base) { return allIn(base || root, sel); }
  function one(sel, base) { return (base || root).querySelector(sel); }
  // The name of a status, a payment state, an outcome ... in the page: [data-status="confirmed"].
  function label(kind, key) { return pageTexts(root, lang, kind)(key || "none"); }
  function setState(state) { showState(root, state); }
  function status(text) { one("[data-app-status]").textContent = text || ""; }

  function api(method, path, body) {
    return staffRequest(method, path, body, function () { if (session()) { forget(); setState("signin"); } });
  }
  function errorOf(answer) { return errorIn(answer, t("error")); }

  // --- times: the API speaks Stockholm time with its offset (lib/dates.js) ---------------------------
  function hm(iso) { return iso.slice(11, 16); }
  function dayOf(iso) { return iso.slice(0, 10); }
  function weekday(day) { return dayLabel(day, lang); }

  // --- signing in ----------------------------------------------------------------------------------
  // parts/staff-signin.js: the e-mailed link, then the authenticator code (enrolling on the first sign-in).
  var signin = createSignin(root, { setState: setState, errorOf: errorOf, start: function () { start(); } });
  var openLink = signin.openLink, submitCode = signin.submitCode;


  // --- the app -------------------------------------------------------------------------------------
  function start() {
    if (!session()) { setState("signin"); return; }
    Promise.all([api("GET", "/staff/me"), request("GET", "/services", null, { token: "" })]).then(function (answers) {
      if (answers[0].status !== 200) { forget(); setState("signin"); return; }
      me = answers[0].body.staff; colleagues = answers[0].body.colleagues;
      services = (answers[1].body && answers[1].body.services) || [];
      one("[data-field=me]").textContent = me.name;
      one("[data-field=role]").textContent = t(me.role);
      all("[data-admin]").forEach(function (n) { n.hidden = me.role !== "admin"; });
      fillOptions();
      all('input[type="date"]').forEach(function (input) { if (!input.value) input.value = today(); });
      setState("app");
      var wanted = fragment().get("b");
      if (wanted) openBooking(wanted); else show("day");
    });
  }

  function fillOptions() {
    all("[data-staff-options]").forEach(function (select) {
      clear(select);
      if (select.getAttribute("data-any")) select.appendChild(el("option", { value: "", text: select.getAttribute("data-any") }));
      colleagues.forEach(function (c) { select.appendChild(el("option", { value: c.id, text: c.name })); });
      if (!select.getAttribute("data-any") && me) select.value = me.id;
    });
    all("[data-service-options]").forEach(function (select) {
      clear(select);
      services.forEach(function (s) { select.appendChild(el("option", { value: s.id, text: s.name + " (" + s.duration_minutes + " min)" })); });
    });
  }

  function show(view) {
    current.view = view;
    all("[data-view-panel]").forEach(function (p) { p.hidden = p.getAttribute("data-view-panel") !== view; });
    all("[data-view]").forEach(function (b) { b.setAttribute("aria-pressed", b.getAttribute("data-view") === view ? "true" : "false"); });
    status("");
    if (view === "day") loadDay();
    if (view === "week") loadWeek();
    if (view === "feed") api("GET", "/staff/feed").then(function (a) { if (a.status === 200) one("[data-feed-url]").value = a.body.url; });
    root.dispatchEvent(new CustomEvent("allavie:staff-view", { detail: { view: view } }));  // personal-complaints.js
  }

  function bookingLine(b, withStaff) {
    var who = b.customer.name || "–";
    var lines = [
      el("span", { "class": "staff-item__time", text: hm(b.start) + "–" + hm(b.end) }),
      el("span", { "class": "staff-item__what", text: b.service_name + (withStaff ? " · " + b.staff_name : "") }),
      el("span", { text: who + (b.customer.phone_display ? " · " + b.customer.phone_display : "") }),
      el("span", { "class": "staff-item__status", text: label("status", b.status) + " · " + label("pay", b.payment.state) }),
    ];
    if (b.note) lines.push(el("span", { "class": "staff-item__note", text: t("note") + ": " + b.note }));
    var button = el("button", { type: "button", "class": "staff-item staff-item--" + b.status, "data-booking": b.id }, lines);
    return el("li", {}, [button]);
  }

  function blockLine(block) {
    return el("li", { "class": "staff-item staff-item--blocked" }, [
      el("span", { "class": "staff-item__time", text: hm(block.start) + "–" + hm(block.end) + (dayOf(block.start) !== dayOf(block.end) ? " (" + dayOf(block.end) + ")" : "") }),
      el("span", { text: t("blocked") + ": " + block.reason }),
      el("button", { type: "button", "class": "md-button", "data-unblock": block.id, text: t("unblock") }),
    ]);
  }

  function column(heading, bookings, blocks, withStaff) {
    var items = bookings.map(function (b) { return { at: b.start, node: bookingLine(b, withStaff) }; })
      .concat(blocks.map(function (b) { return { at: b.start, node: blockLine(b) }; }))
      .sort(function (x, y) { return x.at < y.at ? -1 : 1; });
    var list = el("ol", { "class": "staff-list" }, items.map(function (i) { return i.node; }));
    return el("section", { "class": "staff-column", "aria-label": heading }, [el("h3", { text: heading }),
      items.length ? list : el("p", { text: t("none") })]);
  }

  var asked = { day: 0, week: 0 };  // only the latest answer is drawn (an older one may arrive later)

  function loadDay() {
    var day = one("#staff-day").value || today(), mine = ++asked.day;
    api("GET", "/staff/calendar?from=" + day + "&to=" + day).then(function (a) {
      if (mine !== asked.day) return;
      var box = clear(one("[data-day]"));
      if (a.status !== 200) { status(errorOf(a).message); return; }
      one("#staff-day-heading").textContent = weekday(day);
      colleagues.forEach(function (c) {
        box.appendChild(column(c.name, a.body.bookings.filter(function (b) { return b.staff === c.id; }),
          a.body.blocks.filter(function (b) { return b.staff === c.id; }), false));
      });
    });
  }

  function loadWeek() {
    var staff = one("#staff-week-staff").value || me.id, day = one("#staff-week-day").value || today();
    var monday = mondayOf(day), sunday = addDays(monday, 6);
    var mine = ++asked.week;
    api("GET", "/staff/calendar?from=" + monday + "&to=" + sunday + "&staff=" + encodeURIComponent(staff)).then(function (a) {
      if (mine !== asked.week) return;
      var box = clear(one("[data-week]"));
      if (a.status !== 200) { status(errorOf(a).message); return; }
      for (var i = 0; i < 7; i++) {
        var date = addDays(monday, i);
        box.appendChild(column(weekday(date), a.body.bookings.filter(function (b) { return dayOf(b.start) === date; }),
          a.body.blocks.filter(function (b) { return dayOf(b.start) <= date && dayOf(b.end) >= date; }), false));
      }
    });
  }

  function facts(dl, rows) {
    clear(dl);
    rows.forEach(function (r) { if (r[1] !== null && r[1] !== undefined && r[1] !== "") { dl.appendChild(el("dt", { text: r[0] })); dl.appendChild(el("dd", { text: String(r[1]) })); } });
  }

  function openBooking(id, message) {
    api("GET", "/staff/bookings/" + encodeURIComponent(id)).then(function (a) {
      if (a.status !== 200) { show("day"); status(errorOf(a).message); return; }
      var b = a.body.booking; current.booking = b; current.customer = b.customer.id;
      show("booking");
      facts(one("[data-booking-facts]"), [
        [t("time"), weekday(dayOf(b.start)) + " " + hm(b.start) + "–" + hm(b.end)], [t("service"), b.service_name],
        [t("with"), b.staff_name], [t("customer"), b.customer.name], [t("phone"), b.customer.phone_display],
        [t("email"), b.customer.email], [t("status"), label("status", b.status)],
        [t("payment"), label("pay", b.payment.state)], [t("note"), b.note],
        [t("no_shows"), b.customer.no_shows || null],
      ]);
      var started = Date.parse(b.start) <= Date.now();
      all("[data-action=outcome]").forEach(function (btn) {
        btn.disabled = !started || ["confirmed", "completed", "no_show"].indexOf(b.status) < 0;
        btn.setAttribute("aria-pressed", b.outcome === btn.getAttribute("data-outcome") ? "true" : "false");
      });
      one("[data-outcome-hint]").hidden = started;
      one("[data-booking-actions]").hidden = b.status === "cancelled";
      one("#staff-move-day").value = dayOf(b.start);
      clear(one("#staff-move-time"));
      var history = clear(one("[data-history]"));
      a.body.history.forEach(function (h) { history.appendChild(el("li", { text: dayOf(h.start) + " " + hm(h.start) + " · " + h.service_name + " · " + label("status", h.status) })); });
      if (!a.body.history.length) history.appendChild(el("li", { text: t("none") }));
      root.dispatchEvent(new CustomEvent("allavie:staff-booking", { detail: { booking: b } }));
      one("#staff-booking-heading").focus();
      if (message) status(message);
    });
  }

  function loadTimes(select, service, staff, day, exceptId) {
    var path = "/staff/availability?service=" + encodeURIComponent(service) + "&from=" + day + "&to=" + day + (staff ? "&staff=" + encodeURIComponent(staff) : "");
    return api("GET", path).then(function (a) {
      clear(select);
      var slots = a.status === 200 ? a.body.slots : [];
      select.appendChild(el("option", { value: "", text: slots.length ? t("choose-time") : t("no-times") }));
      slots.forEach(function (s) {
        var names = s.staff.map(function (id) { var c = colleagues.filter(function (x) { return x.id === id; })[0]; return c ? c.name : id; });
        select.appendChild(el("option", { value: s.start + "|" + s.staff[0], text: hm(s.start) + " (" + names.join(", ") + ")" }));
      });
      select.focus();
    });
  }

  function submitBook(form) {
    var chosen = (form.elements.start.value || "|").split("|");
    var data = { service: form.elements.service.value, start: chosen[0] || null, staff: form.elements.staff.value || chosen[1] || null,
      name: form.elements.name.value, phone: form.elements.phone.value, payment: "at_clinic",  // an online prepayment needs a payment form the desk does not have (the API takes it)
      
      age_confirmed: form.elements.age_confirmed.checked };
    if (form.elements.email.value.trim()) data.email = form.elements.email.value.trim();
    if (form.elements.note.value.trim()) data.note = form.elements.note.value;
    api("POST", "/staff/bookings", data).then(function (a) {
      var box = one("[data-book-result]");
      if (a.status !== 201) { showErrors(form, errorOf(a)); box.hidden = true; return; }
      showErrors(form, null);
      clear(box).appendChild(el("p", { text: t("booked", { when: weekday(dayOf(a.body.booking.start)) + " " + hm(a.body.booking.start), service: a.body.booking.service_name }) }));
      if (a.body.customer.no_shows) box.appendChild(el("p", { "class": "staff-warning", text: t("no-show-warning", { n: a.body.customer.no_shows }) }));
      box.appendChild(el("p", {}, [el("button", { type: "button", "class": "md-button", "data-booking": a.body.booking.id, text: t("open") })]));
      box.hidden = false;
      form.reset(); clear(one("#staff-book-time")); fillOptions(); one("[data-caller]").hidden = true;
      one("#staff-book-day").value = dayOf(a.body.booking.start);
    });
  }

  // parts/staff-blocks.js: blocked time, and the bookings it clashes with (move to a colleague, or cancel).
  var blocks = createBlocks(root, { api: api, t: t, errorOf: errorOf, hm: hm, colleagues: function () { return colleagues; } });
  var submitBlock = blocks.submit, conflictDone = blocks.done;

  function openCustomer(id) {
    api("GET", "/staff/customers/" + encodeURIComponent(id)).then(function (a) {
      if (a.status !== 200) { status(errorOf(a).message); return; }
      current.customer = id; show("customer");
      var c = a.body.customer;
      one("#staff-customer-heading").textContent = c.name || "–";
      facts(one("[data-customer-facts]"), [[t("phone"), c.phone_display], [t("email"), c.email], [t("no_shows"), a.body.no_shows],
        [t("marketing"), "e-post: " + (a.body.marketing.email ? t("yes") : t("no")) + ", sms: " + (a.body.marketing.sms ? t("yes") : t("no"))]]);
      var list = clear(one("[data-customer-bookings]"));
      a.body.bookings.forEach(function (b) { list.appendChild(el("li", {}, [el("button", { type: "button", "class": "staff-link", "data-booking": b.id, text: dayOf(b.start) + " " + hm(b.start) + " · " + b.service_name + " · " + label("status", b.status) })])); });
      if (!a.body.bookings.length) list.appendChild(el("li", { text: t("none") }));
      var notes = clear(one("[data-customer-notes]"));
      a.body.notes.forEach(function (n) { notes.appendChild(el("li", { text: dayOf(n.start) + ": " + n.text })); });
      var consents = clear(one("[data-customer-consents]"));
      a.body.consents.forEach(function (n) { consents.appendChild(el("li", { text: n.at.slice(0, 16).replace("T", " ") + " · " + n.channel + " · " + (n.granted ? t("yes") : t("no")) + " · " + n.source })); });
      one("[data-access-log]").hidden = true; one("[data-step=erase-confirm]").hidden = true;
      one("#staff-customer-heading").focus();
    });
  }

  function download(id) {
    api("GET", "/staff/customers/" + encodeURIComponent(id) + "/export").then(function (a) {
      if (a.status !== 200) { status(errorOf(a).message); return; }
      saveJson(a.body, "registerutdrag-" + today() + ".json");
      status(t("exported"));
    });
  }

  // While the desk types a caller's number or address: who is it, and have they stayed away before?
  function lookUpCaller(input) {
    var value = input.value.trim(), box = one("[data-caller]");
    if (value.replace(/\D/g, "").length < 6 && value.indexOf("@") < 0) { box.hidden = true; return; }
    api("GET", "/staff/customers?q=" + encodeURIComponent(value)).then(function (a) {
      var found = a.status === 200 ? a.body.customers : [];
      clear(box);
      box.hidden = found.length !== 1;
      if (found.length !== 1) return;
      var c = found[0];
      box.appendChild(el("p", { text: t("known-customer", { name: c.name }) }));
      if (c.no_shows) box.appendChild(el("p", { "class": "staff-warning", text: t("no-show-warning", { n: c.no_shows }) }));
      var form = one("[data-form=book]");
      if (!form.elements.name.value) form.elements.name.value = c.name || "";
      if (!form.elements.email.value && c.email) form.elements.email.value = c.email;
    });
  }

  root.addEventListener("change", function (event) {
    var input = event.target;
    if (input.form && input.form.getAttribute("data-form") === "book" && (input.name === "phone" || input.name === "email")) lookUpCaller(input);
  });

  // --- events --------------------------------------------------------------------------------------
  root.addEventListener("submit", function (event) {
    var form = event.target, kind = form.getAttribute("data-form");
    event.preventDefault();
    if (kind === "signin") {
      request("POST", "/staff/signin", { email: form.elements.email.value }, { token: "" }).then(function (a) {
        if (a.status === 202) { showErrors(form, null); one("[data-message=signin-sent]").hidden = false; } else showErrors(form, errorOf(a));
      });
    } else if (kind === "code") submitCode(form);
    else if (kind === "day") loadDay();
    else if (kind === "week") loadWeek();
    else if (kind === "book") submitBook(form);
    else if (kind === "block") submitBlock(form);
    else if (kind === "search") {
      api("GET", "/staff/customers?q=" + encodeURIComponent(form.elements.q.value)).then(function (a) {
        var list = clear(one("[data-results]"));
        if (a.status !== 200) { showErrors(form, errorOf(a)); return; }
        showErrors(form, null);
        a.body.customers.forEach(function (c) {
          list.appendChild(el("li", {}, [el("button", { type: "button", "class": "staff-link", "data-customer": c.id,
            text: c.name + (c.phone_display ? " · " + c.phone_display : "") + (c.email ? " · " + c.email : "") })]));
        });
        if (!a.body.customers.length) list.appendChild(el("li", { text: t("no-results") }));
      });
    } else if (kind === "move") {
      var chosen = (form.elements.start.value || "|").split("|");
      var body = { start: chosen[0] || null }; if (form.elements.staff.value || chosen[1]) body.staff = form.elements.staff.value || chosen[1];
      api("POST", "/staff/bookings/" + current.booking.id + "/reschedule", body).then(function (a) {
        if (a.status !== 200) { showErrors(form, errorOf(a)); return; }
        openBooking(current.booking.id, t("moved"));
      });
    } else if (kind === "cancel") {
      var data = { refund: form.elements.refund.checked }; if (form.elements.message.value.trim()) data.message = form.elements.message.value;
      api("POST", "/staff/bookings/" + current.booking.id + "/cancel", data).then(function (a) {
        if (a.status !== 200) { showErrors(form, errorOf(a)); return; }
        openBooking(current.booking.id, t("cancelled"));
      });
    }
  });

  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button,a") : null;
    if (!target || !root.contains(target)) return;
    var action = target.getAttribute("data-action");
    if (target.hasAttribute("data-view")) show(target.getAttribute("data-view"));
    else if (target.hasAttribute("data-booking")) openBooking(target.getAttribute("data-booking"));
    else if (target.hasAttribute("data-customer")) openCustomer(target.getAttribute("data-customer"));
    else if (target.hasAttribute("data-unblock")) {
      api("DELETE", "/staff/blocks/" + encodeURIComponent(target.getAttribute("data-unblock"))).then(function (a) {
        if (a.status === 204) { status(t("unblocked")); if (current.view === "week") loadWeek(); else loadDay(); }
      });
    } else if (target.hasAttribute("data-move-conflict")) {
      var id = target.getAttribute("data-move-conflict"), to = one("#staff-conflict-" + CSS.escape(id)).value;
      api("POST", "/staff/bookings/" + id + "/reschedule", { start: target.getAttribute("data-start"), staff: to }).then(function (a) {
        conflictDone(id, a.status === 200 ? t("moved") : errorOf(a).message);
      });
    } else if (target.hasAttribute("data-cancel-conflict")) {
      var cid = target.getAttribute("data-cancel-conflict"), message = one("#staff-conflict-msg-" + CSS.escape(cid)).value;
      api("POST", "/staff/bookings/" + cid + "/cancel", { refund: true, message: message || null }).then(function (a) {
        conflictDone(cid, a.status === 200 ? t("cancelled") : errorOf(a).message);
      });
    } else if (action === "signout") {
      api("DELETE", "/staff/session").then(function () { forget(); setState("signin"); });
    } else if (action === "restart") { event.preventDefault(); history.replaceState(null, "", window.location.pathname); setState("signin"); }
    else if (action === "day-prev" || action === "day-next") {
      var input = one("#staff-day"); input.value = addDays(input.value || today(), action === "day-prev" ? -1 : 1); loadDay();
    } else if (action === "outcome") {
      api("POST", "/staff/bookings/" + current.booking.id + "/outcome", { outcome: target.getAttribute("data-outcome") }).then(function (a) {
        if (a.status === 200) openBooking(current.booking.id, t("marked")); else status(errorOf(a).message);
      });
    } else if (action === "move-times") {
      var form = one("[data-form=move]");
      loadTimes(one("#staff-move-time"), current.booking.service, form.elements.staff.value, form.elements.day.value);
    } else if (action === "book-times") {
      var book = one("[data-form=book]");
      loadTimes(one("#staff-book-time"), book.elements.service.value, book.elements.staff.value, book.elements.day.value);
    } else if (action === "back") show("day");
    else if (action === "open-customer") openCustomer(current.customer);
    else if (action === "export") download(current.customer);
    else if (action === "erase") { one("[data-step=erase-confirm]").hidden = false; one("[data-action=erase-confirm]").focus(); }
    else if (action === "erase-cancel") one("[data-step=erase-confirm]").hidden = true;
    else if (action === "erase-confirm") {
      api("POST", "/staff/customers/" + current.customer + "/erase").then(function (a) {
        if (a.status === 200) { show("customers"); status(t("erased")); } else status(errorOf(a).message);
      });
    } else if (action === "access-log") {
      api("GET", "/staff/access-log?customer=" + current.customer).then(function (a) {
        var list = one("[data-access-log]"); clear(list).hidden = false;
        (a.body.entries || []).forEach(function (e) { list.appendChild(el("li", { text: e.at.slice(0, 16).replace("T", " ") + " · " + e.staff_name + " · " + label("what", e.what) + " (" + e.views + ")" })); });
      });
    } else if (action === "feed-renew") {
      api("POST", "/staff/feed/renew").then(function (a) { if (a.status === 200) { one("[data-feed-url]").value = a.body.url; status(t("renewed")); } });
    }
  });

  // What staff-complaints.js (complaints and photos) builds on: the same session, texts and elements.
  startStaffComplaints(root, { api: api, one: one, all: all, t: t, label: label, status: status, errorOf: errorOf,
    facts: facts, hm: hm, dayOf: dayOf, weekday: weekday, me: function () { return me; },
    nameOf: function (id) { var c = colleagues.filter(function (x) { return x.id === id; })[0]; return c ? c.name : id; } });

  function route() {
    var token = fragment().get("t");
    if (token) openLink(token);
    else if (fragment().get("b") && me) openBooking(fragment().get("b"));
    else if (!me) start();
  }
  window.addEventListener("hashchange", route);  // a link opened in a tab that shows the page already
  route();
}

const root = document.getElementById("allavie-staff");
if (root) startStaff(root);
