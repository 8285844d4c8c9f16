/* Card entry through Stripe.js (loaded by the page from js.stripe.com, no build step).

   <form data-card-form data-stripe-key="pk_…"> with <input type="hidden" name="card_token">,
   a [data-stripe-card] element where Stripe mounts its card field, and [data-card-error=""]
   for its messages. On submit (unless the submit button has data-skip-card, or no card was
   typed) the script creates a PaymentMethod and puts its id into card_token: the card number
   goes to Stripe only, never to this server. */
(function () {
  "use strict";

  function setUp(form) {
    if (typeof window.Stripe !== "function") return;
    var stripe = window.Stripe(form.dataset.stripeKey);
    var mount = form.querySelector("[data-stripe-card]");
    var tokenInput = form.querySelector('input[name="card_token"]');
    var errorSpot = form.querySelector('[data-card-error=""]');
    if (!mount || !tokenInput) return;
    tokenInput.value = "";
    var card = stripe.elements().create("card", { hidePostalCode: true });
    var empty = true;
    card.mount(mount);
    card.on("change", function (change) {
      empty = change.empty;
      if (errorSpot) {
        errorSpot.textContent = change.error ? change.error.message : "";
        errorSpot.hidden = !change.error;
      }
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.cardTokenized === "1") return;
      if (event.submitter && event.submitter.hasAttribute("data-skip-card")) return;
      if (empty) return;
      event.preventDefault();
      var submitter = event.submitter || undefined;
      stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
        if (result.error) {
          if (errorSpot) {
            errorSpot.textContent = result.error.message;
            errorSpot.hidden = false;
          }
          return;
        }
        tokenInput.value = result.paymentMethod.id;
        form.dataset.cardTokenized = "1";
        if (form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      });
    });
  }

  function start() {
    document.querySelectorAll("form[data-card-form][data-stripe-key]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
