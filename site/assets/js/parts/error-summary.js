// The booking form's errors: beside each field, and a summary at the top that links to each (and opens a
// folded part of the form where the field is). The API's messages are made plainer with the page's
// texts: "required-NAME" for a missing field, "fix-NAME" added to a wrong one, "label-NAME" before each.
import { clear, el, showErrors } from "../lib/dom.js";

function fieldMessage(text, name, message) {
  if (message === text("required") && text.has("required-" + name)) return text("required-" + name);
  return text.has("fix-" + name) ? message + " " + text("fix-" + name) : message;
}

// form: with [data-error-summary]; text: the page's texts; error: the API's {message, fields}.
export function showSummary(form, text, error) {
  var fields = (error && error.fields) || {};
  var shown = {};
  Object.keys(fields).forEach(function (name) { shown[name] = fieldMessage(text, name, fields[name]); });
  showErrors(form, { message: "", fields: shown });
  form.querySelectorAll('details [aria-invalid="true"]').forEach(function (node) { node.closest("details").open = true; });
  var summary = form.querySelector("[data-error-summary]");
  clear(summary);
  var names = Object.keys(shown);
  summary.appendChild(el("p", { "class": "allavie-summary-title", text: names.length ? text("summary-title") : (error && error.message) || text("failed") }));
  if (names.length) {
    var list = el("ul");
    names.forEach(function (name) {
      var target = form.querySelector('[name="' + CSS.escape(name) + '"]');
      var item = el("li");
      var label = text.has("label-" + name) ? text("label-" + name) : "";
      if (target && target.id) {
        var link = el("a", { text: (label ? label + ": " : "") + shown[name] });
        link.href = "#" + target.id;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          var folded = target.closest("details");
          if (folded) folded.open = true;
          target.focus();
        });
        item.appendChild(link);
      } else {
        item.textContent = (label ? label + ": " : "") + shown[name];
      }
      list.appendChild(item);
    });
    summary.appendChild(list);
  }
  summary.setAttribute("role", "alert");
  summary.focus();
}

export function clearSummary(form) {
  showErrors(form, null);
  var summary = form.querySelector("[data-error-summary]");
  clear(summary);
  summary.removeAttribute("role");
}
