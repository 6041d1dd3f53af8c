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
