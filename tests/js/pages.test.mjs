// The pure parts of the page modules: what the booking page says on the way back from Klarna or Swish
// (parts/payment.js), and the authenticator's QR code as one SVG path (parts/staff-signin.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { returnKind } from "../../site/assets/js/parts/payment.js";
import { qrPath } from "../../site/assets/js/parts/staff-signin.js";

test("the way back from a redirect payment: only the webhook's booking confirms", () => {
  assert.equal(returnKind("confirmed", "succeeded", "succeeded"), "confirmed");
  assert.equal(returnKind("awaiting_payment", "succeeded", "succeeded"), "pending"); // paid, not yet confirmed
  assert.equal(returnKind("awaiting_payment", "processing", "failed"), "pending"); // Stripe's word over the URL's
  assert.equal(returnKind("awaiting_payment", "requires_payment_method", "failed"), "failed");
  assert.equal(returnKind("awaiting_payment", "requires_action", "failed"), "failed");
  assert.equal(returnKind("awaiting_payment", "requires_action", "succeeded"), "pending"); // the URL alone confirms nothing
  assert.equal(returnKind("lapsed", "canceled", ""), "lapsed");
  assert.equal(returnKind("cancelled", "succeeded", ""), "lapsed");
});

test("the QR code: one square a dark module, inside a quiet zone of four", () => {
  assert.equal(qrPath(["10", "01"]), "M4 4h1v1h-1zM5 5h1v1h-1z");
  assert.equal(qrPath(["00"]), "");
});
