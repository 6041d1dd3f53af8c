// The booking page's payment step (payments, issue 4). booking.js announces a
// booking that needs prepayment with the "allavie:payment" event; this script
// shows Stripe's Payment Element with the publishable key the API returned,
// then waits for Stripe's webhook to confirm the booking (POST /payments/status)
// and turns the page to the booking's "done" state. Texts come from the page;
// data is written with textContent only.
import { language, request } from "../lib/api.js";
import { showState as showStateIn } from "../lib/dom.js";
import { pageTexts } from "../lib/texts.js";

const STRIPE_JS = "https://js.stripe.com/v3/"; // Stripe.js only ever from Stripe (PCI)
const POLL_MS = 1500;

// box: #allavie-payment; root: the booking page (#allavie-booking), whose state turns to "done".
export function startPayment(box, root) {
  if (!box) return;
  var text = pageTexts(box, language());

  function say(message) { box.querySelector("[data-payment-status]").textContent = message; }

  function showState(name) {
    showStateIn(root, name);
    var heading = root.querySelector('[data-state="' + name + '"] h2');
    if (heading) heading.focus();
  }

  function loadStripe() {
    return new Promise(function (resolve, reject) {
      if (window.Stripe) { resolve(window.Stripe); return; }
      var script = document.createElement("script");
      script.src = STRIPE_JS;
      script.onload = function () { resolve(window.Stripe); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  // Card, and Klarna and Swish where the Stripe account has them: the Payment Element shows what Stripe offers.
  function showStripe(payment) {
    if (payment.stripe_js !== STRIPE_JS) {
      // localstripe (development, tests) has no Payment Element: the payment is made outside the page,
      // with the command the note names (the intent id is the client secret's first part).
      say(text("payment-test-mode") + " .venv/bin/allavie test-pay " + payment.client_secret.split("_secret_")[0]);
      return;
    }
    loadStripe().then(function (Stripe) {
      var stripe = Stripe(payment.publishable_key, { locale: language() });
      var elements = stripe.elements({ clientSecret: payment.client_secret });
      elements.create("payment").mount(box.querySelector("[data-payment-element]"));
      var pay = box.querySelector("[data-payment-pay]");
      pay.hidden = false;
      pay.addEventListener("click", function () {
        pay.disabled = true;
        say(text("payment-paying"));
        stripe.confirmPayment({
          elements: elements,
          redirect: "if_required",
          // Klarna and Swish leave the page and come back here with ?payment_intent_client_secret=...
          // &redirect_status=...; booking.js then asks POST /payments/status (the webhook confirms).
          confirmParams: { return_url: window.location.origin + window.location.pathname },
        }).then(function (result) {
          if (result.error) {
            pay.disabled = false;
            say(result.error.message || text("payment-failed"));
            return;
          }
          say(text("payment-waiting"));
        });
      });
    }, function () { say(text("payment-failed")); });
  }

  // The booking is confirmed by Stripe's webhook, not by the browser: ask until it is.
  function waitForConfirmation(clientSecret) {
    function ask() {
      request("POST", "/payments/status", { client_secret: clientSecret }, { token: null }).then(function (result) {
        var status = result.status === 200 && result.body ? result.body.booking.status : null;
        if (status === "confirmed") {
          document.dispatchEvent(new CustomEvent("allavie:confirmed"));
          showState("done");
          return;
        }
        if (status === "lapsed" || status === "cancelled" || result.status === 404) {
          box.querySelector("[data-payment-pay]").hidden = true;
          say(text("payment-lapsed"));
          return;
        }
        window.setTimeout(ask, POLL_MS);
      }, function () { window.setTimeout(ask, POLL_MS * 2); });
    }
    ask();
  }

  document.addEventListener("allavie:payment", function (event) {
    var payment = event.detail && event.detail.payment;
    if (!payment || !payment.client_secret) return;
    say(text("payment-waiting"));
    showStripe(payment);
    waitForConfirmation(payment.client_secret);
  });
}

// --- the return from a redirect payment (Klarna, Swish): ask, never trust the URL alone ------------------

const RETURN_POLL_MS = 2000;
const RETURN_POLL_FOR_MS = 90000; // a pending redirect payment: ask this long, then say what to do

// What the page says on the way back, from POST /payments/status's booking and payment statuses and
// the redirect's own word (only "failed" is believed, and only while Stripe has not said otherwise).
export function returnKind(booking, paying, redirect) {
  if (booking === "confirmed") return "confirmed";
  if (booking === "lapsed" || booking === "cancelled") return "lapsed";
  if (paying === "succeeded" || paying === "processing") return "pending";
  if (redirect === "failed" || paying === "requires_payment_method" || paying === "canceled") return "failed";
  return "pending";
}

// box: the booking page's [data-state="return"]; text: its texts; query: the address's parameters
// (?payment_intent_client_secret=...&redirect_status=...); confirmed(): the booking is confirmed.
export function showPaymentReturn(box, text, query, confirmed) {
  var secret = query.get("payment_intent_client_secret");
  var redirect = query.get("redirect_status") || "";
  var started = Date.now();
  var title = box.querySelector("[data-return-title]");
  var message = box.querySelector("[data-return-message]");
  var again = box.querySelector("[data-return-again]");
  title.textContent = text("return-checking");

  function say(kind, focus) {
    title.textContent = text("return-" + kind + "-title");
    message.textContent = text("return-" + kind);
    again.hidden = kind === "confirmed" || kind === "pending";
    if (kind === "confirmed") confirmed();
    if (focus) title.focus();
  }

  var lastKind = null;
  function ask() {
    request("POST", "/payments/status", { client_secret: secret }, { token: null }).then(function (result) {
      if (result.status === 404) { say("unknown", true); return; }
      if (result.status !== 200 || !result.body) { window.setTimeout(ask, RETURN_POLL_MS * 2); return; }
      var kind = returnKind(result.body.booking.status, result.body.payment.status, redirect);
      if (kind !== lastKind) say(kind, lastKind === null || kind === "confirmed");
      lastKind = kind;
      if (kind === "pending") {
        if (Date.now() - started < RETURN_POLL_FOR_MS) window.setTimeout(ask, RETURN_POLL_MS);
        else message.textContent = text("return-slow");
      }
    }, function () { window.setTimeout(ask, RETURN_POLL_MS * 2); });
  }
  ask();
}
