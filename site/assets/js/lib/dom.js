// Building the page: elements with text only (textContent, never HTML), states shown one at a time,
// and the API's errors beside their fields.
import { cssString } from "./texts.js";

// el("li", {class: "x", text: "Hej", "data-day": day}, [child, "text", null]): attributes by
// setAttribute, text by textContent, children as nodes or text nodes (null and "" are skipped).
export function el(tag, attrs, children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "text") node.textContent = value;
    else if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children || []) {
    if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function all(root, selector) {
  return Array.prototype.slice.call(root.querySelectorAll(selector));
}

// Every [data-field=NAME] in root gets the value as its text.
export function fillField(root, name, value) {
  for (const node of all(root, '[data-field="' + cssString(name) + '"]')) node.textContent = value == null ? "" : value;
}

// Of root's [data-state] blocks only the one named shows.
export function showState(root, name) {
  for (const node of all(root, "[data-state]")) node.hidden = node.getAttribute("data-state") !== name;
}

// An API error next to its fields: elements [data-error-for=FIELD] get the field's message, the inputs
// aria-invalid, and [data-error-summary] the error's message. null clears them.
export function showErrors(form, error) {
  for (const node of all(form, "[data-error-for]")) node.textContent = "";
  for (const node of all(form, "[aria-invalid]")) node.removeAttribute("aria-invalid");
  const summary = form.querySelector("[data-error-summary]");
  if (summary) summary.textContent = error && error.message ? error.message : "";
  const fields = (error && error.fields) || {};
  for (const name of Object.keys(fields)) {
    const slot = form.querySelector('[data-error-for="' + cssString(name) + '"]');
    if (slot) slot.textContent = fields[name];
    const input = form.querySelector('[name="' + cssString(name) + '"]');
    if (input) input.setAttribute("aria-invalid", "true");
  }
}

// A file the browser saves (a data export), made here: no server round trip for the download.
export function saveJson(data, fileName) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const link = el("a", { href: url, download: fileName, hidden: true });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
