// The back office's offers (/personal/erbjudanden/): write an offer, see how many it reaches per channel,
// preview it as the e-mail and the SMS a customer gets, send it, and see how many were sent. Signed in on
// /personal/ (the session id in this tab's sessionStorage). Every text is in the page; data is filled in
// with textContent, never HTML.
import { language, request } from "../lib/api.js";
import { all as allIn, clear, el, showErrors, showState } from "../lib/dom.js";
import { session, staffRequest } from "../lib/staff.js";
import { pageTexts } from "../lib/texts.js";

function startOffers(root) {
  var lang = language();
  var t = pageTexts(root, lang);
  var statusText = pageTexts(root, lang, "status");
  var me = null, shown = null, polling = null, editing = null;

  function one(sel) { return root.querySelector(sel); }
  function all(sel) { return allIn(root, sel); }
  function field(name, text) { one('[data-field="' + name + '"]').textContent = text == null ? "" : text; }
  function setState(state) { showState(root, state); }
  function say(text) { one("[data-app-status]").textContent = text || ""; }
  function api(method, path, body) {
    return staffRequest(method, path, body, function () { setState("signin"); });
  }
  function counts(c) { return t("counts", { email: c.email, sms: c.sms }); }
  function when(iso) { return iso ? iso.slice(0, 10) + " " + iso.slice(11, 16) : ""; }

  function start() {
    if (!session()) { setState("signin"); return; }
    Promise.all([api("GET", "/staff/me"), request("GET", "/services", null, { token: "" })]).then(function (answers) {
      if (answers[0].status !== 200) { setState("signin"); return; }
      me = answers[0].body.staff;
      field("me", me.name);
      all("[data-admin]").forEach(function (n) { n.hidden = me.role !== "admin"; });
      var select = one("[data-service-options]");
      select.appendChild(el("option", { value: "", text: t("no-service") }));
      ((answers[1].body && answers[1].body.services) || []).forEach(function (s) {
        select.appendChild(el("option", { value: s.id, text: s.name }));
      });
      setState("app");
      loadList();
    });
  }

  function loadList() {
    api("GET", "/staff/offers").then(function (answer) {
      if (answer.status !== 200) return;
      var list = clear(one("[data-offers]"));
      var offers = answer.body.offers || [];
      if (!offers.length) list.appendChild(el("li", { text: t("none") }));
      offers.forEach(function (offer) {
        var button = el("button", { type: "button", "class": "md-button", "data-offer": offer.id, text: t("open"),
          "aria-label": t("open") + ": " + offer.subject });
        var line = el("span", { text: when(offer.created_at) + " · " + offer.subject + " · " + statusText(offer.status) +
          (offer.status === "draft" ? "" : " · " + counts(offer.sent)) });
        list.appendChild(el("li", {}, [line, " ", button]));
      });
    });
  }

  function show(offer, focus) {
    shown = offer;
    one("[data-panel=offer]").hidden = false;
    field("subject", offer.subject);
    field("status", statusText(offer.status));
    field("recipients", counts(offer.recipients));
    field("sent", counts(offer.sent));
    one("[data-preview=email]").hidden = offer.channels.indexOf("email") < 0;
    one("[data-preview=sms]").hidden = offer.channels.indexOf("sms") < 0;
    var canChange = me && me.role === "admin" && (offer.status === "draft" || offer.status === "failed");
    one("[data-send]").hidden = !canChange;  // a failed offer is edited (a draft again) or removed, not sent
    one("[data-action=send]").hidden = offer.status !== "draft";
    one("[data-step=send-confirm]").hidden = true;
    field("send-summary", t("send-summary", { email: offer.recipients.email, sms: offer.recipients.sms }));
    api("GET", "/staff/offers/" + encodeURIComponent(offer.id) + "/preview?lang=" + lang).then(function (answer) {
      if (answer.status !== 200) { if (answer.body && answer.body.error) say(answer.body.error.message); return; }
      var p = answer.body.preview;
      field("from", p.email.from); field("mail-subject", p.email.subject); field("mail-text", p.email.text);
      field("sms-text", p.sms.text); field("sms-size", t("sms-size", { chars: p.sms.characters, parts: p.sms.parts }));
    });
    if (focus) one("#offer-heading").focus();
    if (offer.status === "sending") poll(offer.id);
  }

  function poll(id) {
    if (polling) clearTimeout(polling);
    polling = setTimeout(function () {
      api("GET", "/staff/offers/" + encodeURIComponent(id)).then(function (answer) {
        if (answer.status !== 200 || !shown || shown.id !== id) return;
        show(answer.body.offer, false);
        if (answer.body.offer.status === "sent") { say(t("sent")); loadList(); }
      });
    }, 1500);
  }

  function startEditing(offer) {  // the draft back in the form; saving changes it (PUT)
    var form = one("form[data-form=offer]");
    editing = offer.id;
    form.elements.subject.value = offer.subject;
    form.elements.text.value = offer.text;
    all('input[name="channels"]').forEach(function (c) { c.checked = offer.channels.indexOf(c.value) >= 0; });
    form.elements.service.value = offer.service || "";
    one("[data-editing]").hidden = false;
    form.elements.subject.focus();
  }
  function stopEditing() {
    editing = null;
    one("[data-editing]").hidden = true;
    one("form[data-form=offer]").reset();
  }

  function create(form) {
    var channels = all('input[name="channels"]').filter(function (c) { return c.checked; }).map(function (c) { return c.value; });
    var body = { subject: form.elements.subject.value, text: form.elements.text.value, channels: channels };
    if (form.elements.service.value) body.service = form.elements.service.value;
    var call = editing ? api("PUT", "/staff/offers/" + encodeURIComponent(editing), body) : api("POST", "/staff/offers", body);
    call.then(function (answer) {
      if (answer.status === 201 || answer.status === 200) {
        showErrors(form, null);
        stopEditing();
        say(t("saved"));
        show(answer.body.offer, true);
        loadList();
      } else {
        showErrors(form, (answer.body && answer.body.error) || { message: t("error") });
      }
    });
  }

  function send() {
    if (!shown) return;
    one("[data-send]").hidden = true;
    api("POST", "/staff/offers/" + encodeURIComponent(shown.id) + "/send").then(function (answer) {
      if (answer.status !== 202) { say(t("error")); one("[data-send]").hidden = false; return; }
      say(answer.body.offer.status === "sent" ? t("sent") : t("sending"));
      show(answer.body.offer, false);
      loadList();
    });
  }

  root.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-form=offer]");
    if (!form) return;
    event.preventDefault();
    create(form);
  });
  root.addEventListener("click", function (event) {
    var target = event.target.closest("button");
    if (!target) return;
    var open = target.getAttribute("data-offer");
    if (open) {
      api("GET", "/staff/offers/" + encodeURIComponent(open)).then(function (answer) {
        if (answer.status === 200) { say(""); show(answer.body.offer, true); }
      });
      return;
    }
    var action = target.getAttribute("data-action");
    if (action === "send") { one("[data-step=send-confirm]").hidden = false; one("[data-action=send-confirm]").focus(); }
    if (action === "send-cancel") { one("[data-step=send-confirm]").hidden = true; one("[data-action=send]").focus(); }
    if (action === "send-confirm") send();
    if (action === "edit" && shown) startEditing(shown);
    if (action === "edit-cancel") stopEditing();
    if (action === "remove" && shown) {
      api("DELETE", "/staff/offers/" + encodeURIComponent(shown.id)).then(function (answer) {
        if (answer.status !== 204) { say(t("error")); return; }
        if (editing === shown.id) stopEditing();
        shown = null;
        one("[data-panel=offer]").hidden = true;
        say(t("removed"));
        loadList();
      });
    }
  });

  start();
}

const root = document.getElementById("allavie-offers");
if (root) startOffers(root);
