// The back office's blocked time: a block (Stockholm wall times, across daylight saving too) and the
// bookings it clashes with, each to move to a colleague or cancel with a message. Text only.
import { stockholmInstant } from "../lib/dates.js";
import { all, clear, el, showErrors } from "../lib/dom.js";

// page: api(method, path, body), t(key, values), errorOf(answer), hm(iso), colleagues().
// Returns submit(form) and done(id, text) (a clash moved or cancelled).
export function createBlocks(root, page) {
  var api = page.api, t = page.t, errorOf = page.errorOf, hm = page.hm;
  function one(sel) { return root.querySelector(sel); }

  function submitBlock(form) {
    var day = form.elements.day.value;
    var data = { staff: form.elements.staff.value, start: stockholmInstant(day, form.elements.from.value), end: stockholmInstant(day, form.elements.to.value), reason: form.elements.reason.value };
    api("POST", "/staff/blocks", data).then(function (a) {
      if (a.status !== 201) { showErrors(form, errorOf(a)); return; }
      showErrors(form, null);
      one("[data-block-result]").hidden = false;
      var list = clear(one("[data-conflicts]"));
      one("[data-block-summary]").textContent = t("blocked-done") + " " + (a.body.conflicts.length ? t("conflicts", { n: a.body.conflicts.length }) : t("no-conflicts"));
      a.body.conflicts.forEach(function (b) { list.appendChild(conflictItem(b)); });
    });
  }

  function conflictItem(b) {
    var others = page.colleagues().filter(function (c) { return c.id !== b.staff; });
    var selectId = "staff-conflict-" + b.id, messageId = "staff-conflict-msg-" + b.id;
    var select = el("select", { id: selectId }, others.map(function (c) { return el("option", { value: c.id, text: c.name }); }));
    return el("li", { "class": "staff-conflict", "data-conflict": b.id }, [
      el("p", { text: hm(b.start) + "–" + hm(b.end) + " · " + b.service_name + " · " + (b.customer.name || "–") + (b.customer.phone_display ? " · " + b.customer.phone_display : "") }),
      el("p", {}, [el("label", { "for": selectId, text: t("move-to") }), " ", select, " ",
        el("button", { type: "button", "class": "md-button", "data-move-conflict": b.id, "data-start": b.start, text: t("move") }),
        el("button", { type: "button", "class": "md-button", "data-booking": b.id, text: t("open") })]),
      el("p", {}, [el("label", { "for": messageId, text: t("message-to-customer") }), el("br"),
        el("textarea", { id: messageId, rows: "2", maxlength: "1000" }, [t("cancel-message")]), el("br"),
        el("button", { type: "button", "class": "md-button", "data-cancel-conflict": b.id, text: t("cancel-with-message") })]),
      el("p", { role: "status", "data-conflict-status": b.id }),
    ]);
  }

  function conflictDone(id, text) {
    var item = one('[data-conflict="' + CSS.escape(id) + '"]');
    one('[data-conflict-status="' + CSS.escape(id) + '"]').textContent = text;
    all(item, "button,select,textarea").forEach(function (n) { if (!n.hasAttribute("data-booking")) n.disabled = true; });
  }

  return { submit: submitBlock, done: conflictDone };
}
