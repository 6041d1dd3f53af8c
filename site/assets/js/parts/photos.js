// Photos with a booking and complaints (reklamation): the manage page (/hantera/#t=TOKEN&b=BOOKING)
// and the booking page right after booking (the "allavie:booked" event brings a short photo link).
// The file goes straight to the private bucket with the presigned form the API gives; the API never
// carries it. Texts are in the pages (data-text="photo-..." and "complaint-...", apart from the booking
// page's own, whose section they sit in); whatever comes back goes in as text only.
import { fragment, language, linkToken, request } from "../lib/api.js";
import { stampLabel } from "../lib/dates.js";
import { showErrors } from "../lib/dom.js";
import { pageTexts } from "../lib/texts.js";

// The API's limits (photos.uploads): checked here first so that a wrong file is said at once.
const TYPES = { "image/jpeg": 1, "image/png": 1, "image/heic": 1, "image/heif": 1 };
const MAX_BYTES = 10 * 1024 * 1024;

function textOf(root, name, values) { return pageTexts(root, language())(name, values); }

function dateLabel(iso) { return iso ? stampLabel(iso, language()) : ""; }

// Browsers often give HEIC files no type: the name says what the customer chose (the server decodes to be sure).
function typeOf(file) {
  var type = (file.type || "").toLowerCase();
  if (TYPES[type]) return type;
  if (/\.(heic|heif)$/i.test(file.name || "")) return "image/heic";
  return type;
}

function PhotoWidget(root, bookingId, token) {
  this.root = root;
  this.bookingId = bookingId;
  this.token = token;
  this.form = root.querySelector("[data-photo-form]");
  this.list = root.querySelector("[data-photo-list]");
  this.status = root.querySelector("[data-photo-status]");
  this.polls = 0;
  var self = this;
  this.form.addEventListener("submit", function (event) { event.preventDefault(); self.send(); });
  this.list.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-delete]") : null;
    if (button) self.remove(button.getAttribute("data-delete"));
  });
}

PhotoWidget.prototype.path = function (suffix) {
  return "/bookings/" + encodeURIComponent(this.bookingId) + "/photos" + (suffix || "");
};

PhotoWidget.prototype.say = function (message) { this.status.textContent = message; };

PhotoWidget.prototype.fail = function (message) {
  showErrors(this.form, { message: "", fields: { photo: message } });
  this.form.querySelector('[name="photo"]').focus();
};

PhotoWidget.prototype.load = function () {
  var self = this;
  return request("GET", this.path(), null, { token: this.token }).then(function (result) {
    if (result.status !== 200) return;
    self.render(result.body.photos);
    var waiting = result.body.photos.some(function (p) { return p.status === "pending"; });
    if (waiting && self.polls < 40) { // the photo is being cleaned: look again shortly
      self.polls += 1;
      window.setTimeout(function () { self.load(); }, 1000);
    } else if (self.polls) {
      self.polls = 0;
      self.say(textOf(self.root, "photo-ready"));
    }
  });
};

PhotoWidget.prototype.render = function (photos) {
  var root = this.root;
  this.list.textContent = "";
  photos.forEach(function (photo, index) {
    var item = document.createElement("li");
    var label = textOf(root, "photo-name", { n: index + 1 });
    if (photo.status === "ready" && photo.url) {
      var image = document.createElement("img");
      image.src = photo.url;
      image.alt = label + ", " + textOf(root, "photo-uploaded", { when: dateLabel(photo.uploaded_at) });
      image.width = 160;
      image.loading = "lazy";
      item.appendChild(image);
    } else {
      var pending = document.createElement("span");
      pending.className = "allavie-photo-pending";
      pending.textContent = label + ": " + textOf(root, "photo-pending");
      item.appendChild(pending);
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "md-button";
    button.setAttribute("data-delete", photo.id);
    button.textContent = textOf(root, "photo-delete", { n: index + 1 });
    item.appendChild(button);
    this.list.appendChild(item);
  }, this);
  root.querySelector("[data-photo-none]").hidden = photos.length > 0;
  root.querySelector("[data-photo-full]").hidden = photos.length < 5;
  this.form.hidden = photos.length >= 5;
};

PhotoWidget.prototype.send = function () {
  var self = this;
  var input = this.form.querySelector('[name="photo"]');
  var file = input.files && input.files[0];
  showErrors(this.form, null);
  if (!file) { this.fail(textOf(this.root, "photo-choose")); return; }
  var type = typeOf(file);
  if (!TYPES[type]) { this.fail(textOf(this.root, "photo-wrong-type")); return; }
  if (file.size > MAX_BYTES) { this.fail(textOf(this.root, "photo-too-large")); return; }
  var button = this.form.querySelector('[type="submit"]');
  button.disabled = true;
  this.say(textOf(this.root, "photo-sending"));
  request("POST", this.path(), { content_type: type, size: file.size }, { token: this.token }).then(function (result) {
    if (result.status !== 201) {
      var error = result.body && result.body.error;
      button.disabled = false;
      self.say("");
      if (error && error.fields && Object.keys(error.fields).length) {
        self.fail(error.fields.content_type || error.fields.size || error.message);
      } else {
        self.fail(error ? error.message : textOf(self.root, "photo-failed"));
      }
      return;
    }
    var form = new FormData();
    var fields = result.body.upload.fields;
    Object.keys(fields).forEach(function (name) { form.append(name, fields[name]); });
    form.append("file", file); // S3 wants the file last
    return fetch(result.body.upload.url, { method: "POST", body: form, credentials: "omit" }).then(function (sent) {
      button.disabled = false;
      if (!sent.ok) { self.say(""); self.fail(textOf(self.root, "photo-failed")); return; }
      input.value = "";
      self.say(textOf(self.root, "photo-sent"));
      self.polls = 1;
      return self.load();
    });
  }).catch(function () { button.disabled = false; self.say(""); self.fail(textOf(self.root, "photo-failed")); });
};

PhotoWidget.prototype.remove = function (photoId) {
  var self = this;
  request("DELETE", this.path("/" + encodeURIComponent(photoId)), null, { token: this.token }).then(function (result) {
    if (result.status === 204) { self.say(textOf(self.root, "photo-deleted")); self.load(); }
    else self.say(textOf(self.root, "photo-failed"));
  });
};

// --- complaints (manage page) ---------------------------------------------------------

function Complaints(root, bookingId, token) {
  this.root = root;
  this.bookingId = bookingId;
  this.token = token;
  this.form = root.querySelector("[data-complaint-form]");
  this.thread = root.querySelector("[data-complaint-thread]");
  this.open = null;
  var self = this;
  this.form.addEventListener("submit", function (event) { event.preventDefault(); self.send(); });
}

Complaints.prototype.path = function () { return "/bookings/" + encodeURIComponent(this.bookingId) + "/complaints"; };

Complaints.prototype.load = function () {
  var self = this;
  return request("GET", this.path(), null, { token: this.token }).then(function (result) {
    if (result.status !== 200) return;
    var complaints = result.body.complaints;
    self.open = complaints.filter(function (c) { return c.status === "open"; })[0] || null;
    self.root.hidden = !result.body.can_complain && complaints.length === 0;
    self.render(complaints);
    self.form.hidden = !self.open && !result.body.can_complain;
    // The intro and the field's label say "describe the problem" for a new one, "your reply" in a thread.
    self.root.querySelectorAll("[data-complaint-new]").forEach(function (el) { el.hidden = !!self.open; });
    self.root.querySelectorAll("[data-complaint-reply]").forEach(function (el) { el.hidden = !self.open; });
  });
};

Complaints.prototype.render = function (complaints) {
  var root = this.root;
  this.thread.textContent = "";
  complaints.forEach(function (complaint) {
    var block = document.createElement("article");
    block.className = "allavie-thread";
    var heading = document.createElement("h3");
    heading.textContent = textOf(root, "complaint-" + complaint.status, { when: dateLabel(complaint.created_at) });
    block.appendChild(heading);
    complaint.messages.forEach(function (message) {
      var who = document.createElement("p");
      who.className = "allavie-thread__who";
      var strong = document.createElement("strong");
      strong.textContent = textOf(root, "by-" + message.author);
      who.appendChild(strong);
      who.appendChild(document.createTextNode(", " + dateLabel(message.at)));
      var words = document.createElement("p");
      words.className = "allavie-message";
      words.textContent = message.text;
      block.appendChild(who);
      block.appendChild(words);
    });
    if (complaint.outcome) {
      var outcome = document.createElement("p");
      outcome.className = "allavie-outcome";
      outcome.textContent = textOf(root, "outcome-" + complaint.outcome) +
        (complaint.outcome_note ? " " + complaint.outcome_note : "");
      block.appendChild(outcome);
    }
    this.thread.appendChild(block);
  }, this);
};

Complaints.prototype.send = function () {
  var self = this;
  var text = this.form.elements.text.value;
  showErrors(this.form, null);
  var path = this.open ? this.path() + "/" + encodeURIComponent(this.open.id) + "/messages" : this.path();
  request("POST", path, { text: text }, { token: this.token }).then(function (result) {
    if (result.status === 201 || result.status === 200) {
      self.form.elements.text.value = "";
      self.root.querySelector("[data-complaint-status]").textContent = textOf(self.root, result.status === 201 ? "complaint-filed" : "complaint-replied");
      self.load();
      return;
    }
    var error = result.body && result.body.error;
    showErrors(self.form, error || { message: textOf(self.root, "complaint-failed"), fields: {} });
    self.form.elements.text.focus();
  });
};

// --- where they appear ---------------------------------------------------------------

// The manage page: the booking's photos and complaints, with the link's token.
export function startManagePhotos(photos, complaint) {
  var booking = fragment().get("b");
  if (!photos || !linkToken() || !booking) return;
  new PhotoWidget(photos, booking, linkToken()).load();
  if (complaint) new Complaints(complaint, booking, linkToken()).load();
}

// booking.js fires "allavie:booked" with the booking and its photo link; the section sits in the
// confirmation (shown at once, or once a prepayment is confirmed). One widget, for the latest booking.
export function startBookingPhotos(afterBooking) {
  if (!afterBooking) return;
  var widget = null;
  document.addEventListener("allavie:booked", function (event) {
    var answer = event.detail || {};
    if (!answer.booking || !answer.photos || !answer.photos.token) return;
    if (!widget) widget = new PhotoWidget(afterBooking, answer.booking.id, answer.photos.token);
    widget.bookingId = answer.booking.id;
    widget.token = answer.photos.token;
    widget.polls = 0;
    widget.say("");
    showErrors(widget.form, null);
    afterBooking.hidden = false;
    widget.load();
  });
}
