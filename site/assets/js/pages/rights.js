// The rights pages: "Mina uppgifter" (see, correct, download, erase),
// "Utskick" (offers per channel) and "Ny länk". Every text is in the page
// (Swedish or English); this script only shows and hides it and fills in data
// with textContent, never HTML. The link's token stays in the fragment and
// goes to the API in a header (lib/api.js).
import { fragment, language, linkToken, request } from "../lib/api.js";
import { dateLabel, whenLabel } from "../lib/dates.js";
import { all as allIn, clear, el, fillField, saveJson, showErrors, showState } from "../lib/dom.js";
import { pageTexts } from "../lib/texts.js";

function startRights(root) {
  var lang = language();
  var text = pageTexts(root, lang);
  var statusText = pageTexts(root, lang, "status");
  var kind = root.getAttribute("data-rights-page");
  var current = null; // the last GET /me answer

  function all(selector) { return allIn(root, selector); }
  function one(selector) { return root.querySelector(selector); }

  function setState(state) { showState(root, state); }

  function showMessage(name, on) {
    all('[data-message="' + name + '"]').forEach(function (el) { el.hidden = !on; });
  }

  function hideMessages() { all("[data-message]").forEach(function (el) { el.hidden = true; }); }

  function fill(name, value) { fillField(root, name, value); }

  // Any answer that is not what we hoped for: a dead link, or something else.
  function failed(result) {
    setState(result && result.status === 401 ? "expired" : "error");
  }

  // Links between the two link pages keep the token (in the fragment, as it came).
  function keepToken() {
    var token = linkToken();
    all("[data-keep-token]").forEach(function (a) {
      var base = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", token ? base + "#t=" + encodeURIComponent(token) : base);
    });
  }

  function formatDay(day) { return dateLabel(day, lang); }

  // "fredag 27 november 2026 kl. 10:00", as on the booking pages and in the e-mails
  function formatTime(iso) { return whenLabel(iso, lang); }

  // --- Mina uppgifter ----------------------------------------------------------------------

  // The number as people write it ("070-123 45 67"; others with their country code), not E.164.
  function shownPhone(customer) { return customer.phone_display || customer.phone || ""; }

  function renderMe(me, services) {
    current = me;
    var customer = me.customer;
    fill("name", customer.name);
    fill("email", customer.email);
    fill("phone", shownPhone(customer) || text("none"));
    fill("marketing-email", me.marketing.email ? text("yes") : text("no"));
    fill("marketing-sms", me.marketing.sms ? text("yes") : text("no"));
    fill("pending_email", me.pending_email || "");
    var pending = one("[data-pending]");
    if (pending) pending.hidden = !me.pending_email;

    var form = one('[data-form="correct"]');
    if (form) {
      form.elements.name.value = customer.name;
      form.elements.email.value = me.pending_email || customer.email;
      form.elements.phone.value = shownPhone(customer);
    }

    var table = one("[data-bookings]");
    var empty = one("[data-no-bookings]");
    if (table) {
      var body = clear(table.querySelector("tbody"));
      me.bookings.forEach(function (booking) {
        var name = booking.service_name || services[booking.service] || booking.service;
        var cells = [formatTime(booking.start), name, statusText(booking.status)].map(function (value) {
          return el("td", { text: value });
        });
        body.appendChild(el("tr", {}, cells.concat([changeCell(booking, name)])));
      });
      table.hidden = me.bookings.length === 0;
      if (empty) empty.hidden = me.bookings.length !== 0;
    }
  }

  // A booking still ahead opens on the manage page with this page's data link (the API lets a data
  // link open the customer's own bookings); past its change deadline the clinic changes it by phone.
  function changeCell(booking, name) {
    var now = new Date();
    if (booking.status !== "confirmed" || new Date(booking.start) <= now) return el("td", { text: text("none") });
    if (new Date(booking.change_until) <= now) return el("td", { text: text("call") });
    var href = "../hantera/#" + new URLSearchParams({ t: linkToken() || "", b: booking.id, from: "data" }).toString();
    // each link says which booking it opens
    var which = el("span", { "class": "allavie-visually-hidden", text: ": " + name + ", " + formatTime(booking.start) });
    return el("td", {}, [el("a", { href: href }, [text("change"), which])]);
  }

  function loadServices() {
    return request("GET", "/services", null, { token: null }).then(function (result) {
      var names = {};
      if (result.status === 200 && result.body && result.body.services) {
        result.body.services.forEach(function (s) { names[s.id] = s.name; });
      }
      return names;
    }, function () { return {}; });
  }

  function loadMe() {
    return Promise.all([request("GET", "/me"), loadServices()]).then(function (answers) {
      var result = answers[0];
      if (result.status !== 200) { failed(result); return null; }
      if (kind === "data") renderMe(result.body, answers[1]);
      setState("ready");
      return result.body;
    }, function () { setState("error"); return null; });
  }

  function correct(form) {
    hideMessages();
    var wanted = {
      name: form.elements.name.value,
      email: form.elements.email.value.trim(),
      phone: form.elements.phone.value,
    };
    var changes = {};
    if (wanted.name !== current.customer.name) changes.name = wanted.name;
    if (wanted.phone !== shownPhone(current.customer)) changes.phone = wanted.phone;
    if (wanted.email.toLowerCase() !== current.customer.email && wanted.email.toLowerCase() !== (current.pending_email || "")) {
      changes.email = wanted.email;
    }
    if (!Object.keys(changes).length) { showErrors(form, null); showMessage("saved", true); return; }
    request("PATCH", "/me", changes).then(function (result) {
      if (result.status === 200) {
        showErrors(form, null);
        return loadMe().then(function () {
          showMessage("saved", true);
          if (changes.email) showMessage("confirm-sent", true);
        });
      }
      if (result.status === 400 && result.body && result.body.error) { showErrors(form, result.body.error); return; }
      failed(result);
    }, function () { setState("error"); });
  }

  function fileName(result) {
    var header = result.response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : "registerutdrag.json";
  }

  function download() {
    hideMessages();
    request("GET", "/me/export").then(function (result) {
      if (result.status !== 200) { failed(result); return; }
      saveJson(result.body, fileName(result));
      showMessage("exported", true);
    }, function () { setState("error"); });
  }

  function listInto(name, items) {
    var list = one('[data-list="' + name + '"]');
    if (!list) return;
    clear(list);
    items.forEach(function (value) { list.appendChild(el("li", { text: value })); });
  }

  function erase(button) {
    button.disabled = true;
    request("POST", "/me/erase").then(function (result) {
      button.disabled = false;
      if (result.status !== 200) { failed(result); return; }
      listInto("erased", result.body.erased);
      // "What. Why. Kept until 25 november 2029." (not "what (why): 2029-11-25")
      listInto("kept", result.body.kept.map(function (k) {
        return k.what + ". " + k.why + ". " + text("kept-until", { date: formatDay(k.until) });
      }));
      // The token is dead now: take it out of the address bar and the history entry.
      history.replaceState(null, "", window.location.pathname + window.location.search);
      setState("erased");
      var heading = one('[data-state="erased"] h2');
      if (heading) heading.focus();
    }, function () { button.disabled = false; setState("error"); });
  }

  function confirmEmail() {
    return request("POST", "/me/email/confirm").then(function (result) {
      if (result.status === 200 && result.body.token) {
        // Earlier links are revoked: carry on with the fresh one the answer gives.
        history.replaceState(null, "", window.location.pathname + "#t=" + encodeURIComponent(result.body.token));
        keepToken();
        return loadMe().then(function () { showMessage("email-confirmed", true); });
      }
      if (result.status === 409 && result.body && result.body.error) {
        setState("error");
        var box = one('[data-state="error"]');
        if (box) box.textContent = result.body.error.message;
        return null;
      }
      failed(result);
      return null;
    }, function () { setState("error"); });
  }

  function startData() {
    root.addEventListener("click", function (event) {
      var target = event.target.closest("[data-action]");
      if (!target) return;
      var action = target.getAttribute("data-action");
      var step = one('[data-step="erase-confirm"]');
      if (action === "export") download();
      if (action === "erase-start") {
        step.hidden = false;
        one('[data-action="erase-cancel"]').focus();
      }
      if (action === "erase-cancel") { step.hidden = true; one('[data-action="erase-start"]').focus(); }
      if (action === "erase-confirm") erase(target);
    });
    var form = one('[data-form="correct"]');
    form.addEventListener("submit", function (event) { event.preventDefault(); correct(form); });
    // The link sent to a new address (#t=...&confirm=email): only a click confirms it. Mail scanners
    // open links and may run their scripts; opening the link must change nothing.
    if (fragment().get("confirm") === "email") {
      setState("confirm-email");
      one('[data-action="confirm-email"]').addEventListener("click", function (event) {
        event.currentTarget.disabled = true;
        confirmEmail();
      });
      return Promise.resolve();
    }
    return loadMe();
  }

  // --- Utskick ---------------------------------------------------------------------------

  // The link in a booking's confirmation (#t=...&confirm=marketing): grant the offers ticked on
  // the booking form, then go on with the data token the answer gives (double opt-in). Only a
  // click confirms: mail scanners open links and may run their scripts, and must not opt anyone in.
  function confirmMarketing() {
    return request("POST", "/me/marketing/confirm").then(function (result) {
      if (result.status !== 200 || !result.body.token) { failed(result); return null; }
      history.replaceState(null, "", window.location.pathname + "#t=" + encodeURIComponent(result.body.token));
      keepToken();
      return loadMe().then(function (me) {
        if (me) showMessage("offers-confirmed", true);
        return me;
      });
    }, function () { setState("error"); return null; });
  }

  function startPreferences() {
    var form = one('[data-form="marketing"]');
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hideMessages();
      var choices = { email: form.elements.email.checked, sms: form.elements.sms.checked };
      request("PUT", "/me/marketing", choices).then(function (result) {
        if (result.status === 200) {
          showErrors(form, null);
          form.elements.email.checked = result.body.marketing.email;
          form.elements.sms.checked = result.body.marketing.sms;
          showMessage("saved", true);
          return;
        }
        if (result.status === 400 && result.body && result.body.error) { showErrors(form, result.body.error); return; }
        failed(result);
      }, function () { setState("error"); });
    });
    function fill(me) {
      if (!me) return;
      form.elements.email.checked = !!me.marketing.email;
      form.elements.sms.checked = !!me.marketing.sms;
    }
    if (fragment().get("confirm") === "marketing") {
      setState("confirm-offers");
      one('[data-action="confirm-offers"]').addEventListener("click", function () {
        confirmMarketing().then(fill);
      });
      return Promise.resolve();
    }
    return loadMe().then(fill);
  }

  // --- Ny länk ---------------------------------------------------------------------------

  function startNewLink() {
    var form = one('[data-form="new-link"]');
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      hideMessages();
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      request("POST", "/links", { email: form.elements.email.value.trim() }, { token: null }).then(function (result) {
        button.disabled = false;
        if (result.status === 202) { showErrors(form, null); showMessage("sent", true); return; }
        if (result.status === 400 && result.body && result.body.error) { showErrors(form, result.body.error); return; }
        showMessage("error", true);
      }, function () { button.disabled = false; showMessage("error", true); });
    });
  }

  keepToken();
  if (kind === "new-link") { startNewLink(); return; }
  if (!linkToken()) { setState("no-link"); return; }
  if (kind === "data") startData();
  if (kind === "preferences") startPreferences();
}

const root = document.getElementById("allavie-rights");
if (root) startRights(root);
