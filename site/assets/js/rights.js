// The rights pages: "Mina uppgifter" (see, correct, download, erase),
// "Utskick" (offers per channel) and "Ny länk". Every text is in the page
// (Swedish or English); this script only shows and hides it and fills in data
// with textContent, never HTML. The link's token stays in the fragment and
// goes to the API in a header (window.Allavie.request).
(function () {
  "use strict";

  var root = document.getElementById("allavie-rights");
  if (!root || !window.Allavie) return;
  var A = window.Allavie;
  var kind = root.getAttribute("data-rights-page");
  var current = null; // the last GET /me answer

  function all(selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function one(selector) { return root.querySelector(selector); }

  function setState(state) {
    all("[data-state]").forEach(function (el) { el.hidden = el.getAttribute("data-state") !== state; });
  }

  function showMessage(name, on) {
    all('[data-message="' + name + '"]').forEach(function (el) { el.hidden = !on; });
  }

  function hideMessages() { all("[data-message]").forEach(function (el) { el.hidden = true; }); }

  function text(key) {
    var el = one('[data-text="' + key + '"]');
    return el ? el.textContent : key;
  }

  function statusText(status) {
    var el = one('[data-status="' + CSS.escape(status) + '"]');
    return el ? el.textContent : status;
  }

  function fill(name, value) {
    all('[data-field="' + name + '"]').forEach(function (el) { el.textContent = value; });
  }

  // Any answer that is not what we hoped for: a dead link, or something else.
  function failed(result) {
    setState(result && result.status === 401 ? "expired" : "error");
  }

  function fragment() { return new URLSearchParams(window.location.hash.replace(/^#/, "")); }

  // Links between the two link pages keep the token (in the fragment, as it came).
  function keepToken() {
    var token = A.linkToken();
    all("[data-keep-token]").forEach(function (a) {
      var base = a.getAttribute("href").split("#")[0];
      a.setAttribute("href", token ? base + "#t=" + encodeURIComponent(token) : base);
    });
  }

  function formatDay(day) {
    try {
      return new Date(day.slice(0, 10) + "T12:00:00Z").toLocaleDateString(A.language() === "en" ? "en-GB" : "sv-SE", {
        timeZone: "Europe/Stockholm", day: "numeric", month: "long", year: "numeric",
      });
    } catch (e) {
      return day;
    }
  }

  function formatTime(iso) {
    try {
      return new Date(iso).toLocaleString(A.language() === "en" ? "en-GB" : "sv-SE", {
        timeZone: "Europe/Stockholm", weekday: "long", day: "numeric", month: "long", year: "numeric",
        hour: "2-digit", minute: "2-digit",
      }); // "fredag 27 november 2026 kl. 10:00", as on the booking pages and in the e-mails
    } catch (e) {
      return iso;
    }
  }

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
      var body = table.querySelector("tbody");
      while (body.firstChild) body.removeChild(body.firstChild);
      me.bookings.forEach(function (booking) {
        var row = document.createElement("tr");
        var name = booking.service_name || services[booking.service] || booking.service;
        [formatTime(booking.start), name, statusText(booking.status)]
          .forEach(function (value) {
            var cell = document.createElement("td");
            cell.textContent = value;
            row.appendChild(cell);
          });
        row.appendChild(changeCell(booking, name));
        body.appendChild(row);
      });
      table.hidden = me.bookings.length === 0;
      if (empty) empty.hidden = me.bookings.length !== 0;
    }
  }

  // A booking still ahead opens on the manage page with this page's data link (the API lets a data
  // link open the customer's own bookings); past its change deadline the clinic changes it by phone.
  function changeCell(booking, name) {
    var cell = document.createElement("td");
    var now = new Date();
    if (booking.status !== "confirmed" || new Date(booking.start) <= now) { cell.textContent = text("none"); return cell; }
    if (new Date(booking.change_until) <= now) { cell.textContent = text("call"); return cell; }
    var link = document.createElement("a");
    link.href = "../hantera/#" + new URLSearchParams({ t: A.linkToken() || "", b: booking.id, from: "data" }).toString();
    link.textContent = text("change");
    var which = document.createElement("span");
    which.className = "allavie-visually-hidden";
    which.textContent = ": " + name + ", " + formatTime(booking.start); // each link says which booking it opens
    link.appendChild(which);
    cell.appendChild(link);
    return cell;
  }

  function loadServices() {
    return A.request("GET", "/services", null, { token: null }).then(function (result) {
      var names = {};
      if (result.status === 200 && result.body && result.body.services) {
        result.body.services.forEach(function (s) { names[s.id] = s.name; });
      }
      return names;
    }, function () { return {}; });
  }

  function loadMe() {
    return Promise.all([A.request("GET", "/me"), loadServices()]).then(function (answers) {
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
    if (!Object.keys(changes).length) { A.showErrors(form, null); showMessage("saved", true); return; }
    A.request("PATCH", "/me", changes).then(function (result) {
      if (result.status === 200) {
        A.showErrors(form, null);
        return loadMe().then(function () {
          showMessage("saved", true);
          if (changes.email) showMessage("confirm-sent", true);
        });
      }
      if (result.status === 400 && result.body && result.body.error) { A.showErrors(form, result.body.error); return; }
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
    A.request("GET", "/me/export").then(function (result) {
      if (result.status !== 200) { failed(result); return; }
      var blob = new Blob([JSON.stringify(result.body, null, 2)], { type: "application/json" });
      var url = URL.createObjectURL(blob);
      var link = document.createElement("a");
      link.href = url;
      link.download = fileName(result);
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      document.body.removeChild(link);
      setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      showMessage("exported", true);
    }, function () { setState("error"); });
  }

  function listInto(name, items) {
    var list = one('[data-list="' + name + '"]');
    if (!list) return;
    while (list.firstChild) list.removeChild(list.firstChild);
    items.forEach(function (value) {
      var item = document.createElement("li");
      item.textContent = value;
      list.appendChild(item);
    });
  }

  function erase(button) {
    button.disabled = true;
    A.request("POST", "/me/erase").then(function (result) {
      button.disabled = false;
      if (result.status !== 200) { failed(result); return; }
      listInto("erased", result.body.erased);
      // "What. Why. Kept until 25 november 2029." (not "what (why): 2029-11-25")
      listInto("kept", result.body.kept.map(function (k) {
        return k.what + ". " + k.why + ". " + text("kept-until").split("{date}").join(formatDay(k.until));
      }));
      // The token is dead now: take it out of the address bar and the history entry.
      history.replaceState(null, "", window.location.pathname + window.location.search);
      setState("erased");
      var heading = one('[data-state="erased"] h2');
      if (heading) heading.focus();
    }, function () { button.disabled = false; setState("error"); });
  }

  function confirmEmail() {
    return A.request("POST", "/me/email/confirm").then(function (result) {
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
    return A.request("POST", "/me/marketing/confirm").then(function (result) {
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
      A.request("PUT", "/me/marketing", choices).then(function (result) {
        if (result.status === 200) {
          A.showErrors(form, null);
          form.elements.email.checked = result.body.marketing.email;
          form.elements.sms.checked = result.body.marketing.sms;
          showMessage("saved", true);
          return;
        }
        if (result.status === 400 && result.body && result.body.error) { A.showErrors(form, result.body.error); return; }
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
      A.request("POST", "/links", { email: form.elements.email.value.trim() }, { token: null }).then(function (result) {
        button.disabled = false;
        if (result.status === 202) { A.showErrors(form, null); showMessage("sent", true); return; }
        if (result.status === 400 && result.body && result.body.error) { A.showErrors(form, result.body.error); return; }
        showMessage("error", true);
      }, function () { button.disabled = false; showMessage("error", true); });
    });
  }

  keepToken();
  if (kind === "new-link") { startNewLink(); return; }
  if (!A.linkToken()) { setState("no-link"); return; }
  if (kind === "data") startData();
  if (kind === "preferences") startPreferences();
})();
