// The back office's complaints (Reklamationer) and a booking's photos, on personal.js's session and
// helpers (S). The thread, names and words are the customers' own: filled in with
// textContent only, never as HTML. The reply form is the page's <template>, so its texts stay in the page.
// Every list and every photo view is a look at a customer's data: the API logs it in the access log.
import { kronor } from "../lib/money.js";
import { language } from "../lib/api.js";
import { clear, el, showErrors } from "../lib/dom.js";

// root: the back office (#allavie-staff); S: personal.js's session, texts and helpers.
export function startStaffComplaints(root, S) {
  var t = S.t, one = S.one, all = S.all;
  var bookingShown = null, asked = 0;

  function when(iso) { return S.weekday(S.dayOf(iso)) + " " + S.hm(iso); }
  function stamp(iso) { return S.dayOf(iso) + " " + S.hm(iso); }
  function kr(n) { return t("kr", { n: kronor(n, language()) }); }

  // --- a booking's photos ----------------------------------------------------------------------------
  function showPhotos(list, bookingId) {
    S.api("GET", "/staff/bookings/" + encodeURIComponent(bookingId) + "/photos").then(function (a) {
      clear(list);
      if (a.status !== 200) { S.status(S.errorOf(a).message); return; }
      var photos = a.body.photos;
      if (!photos.length) { list.appendChild(el("li", { text: t("no-photos") })); return; }
      photos.forEach(function (p, i) {
        if (!p.url) { list.appendChild(el("li", { text: t("photo-pending") })); return; }
        var alt = t("photo-alt", { n: i + 1, of: photos.length, when: p.uploaded_at ? stamp(p.uploaded_at) : "" });
        list.appendChild(el("li", {}, [el("a", { href: p.url, target: "_blank", rel: "noopener noreferrer" },
          [el("img", { src: p.url, alt: alt, loading: "lazy", referrerpolicy: "no-referrer" })])]));
      });
      S.status(t("photos-shown"));
    });
  }

  root.addEventListener("allavie:staff-booking", function (event) {
    var b = event.detail.booking;
    bookingShown = b.id;
    clear(one('[data-photos="booking"]'));
    one("[data-photo-count]").textContent = b.photos ? t("photo-count", { n: b.photos }) : t("no-photos");
    one("[data-action=booking-photos]").hidden = !b.photos;
  });

  // --- complaints ---------------------------------------------------------------------------------------
  function load(focusHeading) {
    var wanted = one("#staff-complaints-status").value || "open", mine = ++asked;
    S.api("GET", "/staff/complaints?status=" + encodeURIComponent(wanted)).then(function (a) {
      if (mine !== asked) return;  // only the latest answer is drawn
      var list = clear(one("[data-complaints]"));
      if (a.status !== 200) { S.status(S.errorOf(a).message); return; }
      a.body.complaints.forEach(function (c) { list.appendChild(card(c)); });
      if (!a.body.complaints.length) list.appendChild(el("li", { text: t("no-complaints") }));
      if (focusHeading) one("#staff-complaints-heading").focus();
    });
  }

  function card(c) {
    var node = one("[data-template=complaint]").content.firstElementChild.cloneNode(true);
    var slot = function (name) { return node.querySelector('[data-slot="' + name + '"]'); };
    var b = c.booking_detail, who = c.customer_detail || {};
    slot("heading").textContent = t("complaint-heading", { customer: who.name || "–", service: b ? b.service_name : "",
      when: b ? when(b.start) : "" });
    S.facts(slot("facts"), [
      [t("status"), S.label("complaint", c.status)], [t("filed"), stamp(c.created_at)],
      [t("visit"), b ? when(b.start) + " · " + b.staff_name : null], [t("phone"), who.phone_display], [t("email"), who.email],
      [t("paid"), b && b.paid_sek ? kr(b.paid_sek) : null], [t("refunded"), b && b.refunded_sek ? kr(b.refunded_sek) : null],
      [t("outcome"), c.outcome ? S.label("outcome", c.outcome) : null], [t("reason"), c.outcome_note],
      [t("refund"), c.refund_sek ? kr(c.refund_sek) : null], [t("closed-at"), c.closed_at ? stamp(c.closed_at) : null],
    ]);
    c.messages.forEach(function (m) {
      var from = m.author === "staff" ? t("from-staff", { name: m.staff ? S.nameOf(m.staff) : "" }) : t("from-customer");
      slot("thread").appendChild(el("li", { "class": "staff-thread__" + m.author }, [
        el("p", { "class": "staff-thread__from", text: from + ", " + stamp(m.at) }),
        el("p", { "class": "staff-thread__text", text: m.text })]));
    });
    slot("photos-button").setAttribute("data-complaint-photos", c.booking);
    if (b) slot("booking-button").setAttribute("data-booking", b.id); else slot("booking-button").remove();
    var form = slot("form");
    if (c.status !== "open") { form.remove(); return node; }
    form.setAttribute("data-complaint", c.id);
    all("[data-for]", form).forEach(function (label) {  // ids unique on the page, labels tied to their fields
      var name = label.getAttribute("data-for"), field = form.querySelector('[name="' + CSS.escape(name) + '"]');
      field.id = "staff-complaint-" + c.id + "-" + name.replace(".", "-");
      label.setAttribute("for", field.id);
    });
    var me = S.me();
    if (!me || me.role !== "admin") all("[data-admin-only]", form).forEach(function (o) { o.remove(); });
    return node;
  }

  function chosen(form) {
    var outcome = form.elements["close.outcome"].value;
    all("[data-when]", form).forEach(function (p) { p.hidden = p.getAttribute("data-when") !== outcome; });
    form.querySelector("[data-slot=submit]").textContent = outcome ? t("send-close") : t("send");
  }

  function reply(form) {
    var id = form.getAttribute("data-complaint"), outcome = form.elements["close.outcome"].value;
    var data = { text: form.elements.text.value };
    if (outcome) {
      data.close = { outcome: outcome };
      var amount = form.elements["close.refund_sek"].value.trim(), reason = form.elements["close.reason"].value;
      if (outcome === "partial_refund") data.close.refund_sek = /^[0-9]+$/.test(amount) ? Number(amount) : amount || null;
      if (outcome === "rejected" && reason.trim()) data.close.reason = reason;  // only what the form shows is sent
    }
    var button = form.querySelector("[data-slot=submit]");
    button.disabled = true;  // one click, one answer (the API refuses a second closing too)
    S.api("POST", "/staff/complaints/" + encodeURIComponent(id) + "/reply", data).then(function (a) {
      button.disabled = false;
      if (a.status !== 200) { showErrors(form, S.errorOf(a)); return; }
      showErrors(form, null);
      load(true);
      S.status(a.body.complaint.status === "closed" ? t("closed") : t("sent"));
    });
  }

  root.addEventListener("allavie:staff-view", function (event) { if (event.detail.view === "complaints") load(false); });
  root.addEventListener("change", function (event) {
    var form = event.target.form;
    if (event.target.id === "staff-complaints-status") load(false);
    else if (form && form.getAttribute("data-form") === "complaint-reply" && event.target.name === "close.outcome") chosen(form);
  });
  root.addEventListener("submit", function (event) {  // personal.js prevents the default for every form
    var kind = event.target.getAttribute("data-form");
    if (kind === "complaints") load(false);
    else if (kind === "complaint-reply") reply(event.target);
  });
  root.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target || !root.contains(target)) return;
    if (target.getAttribute("data-action") === "booking-photos" && bookingShown) {
      showPhotos(one('[data-photos="booking"]'), bookingShown);
    } else if (target.hasAttribute("data-complaint-photos")) {
      showPhotos(target.closest("article").querySelector('[data-slot="photos"]'), target.getAttribute("data-complaint-photos"));
    }
  });
}
