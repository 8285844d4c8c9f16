/* Card entry for the built-in test gateway (no build step).

   Markup contract (storefront/checkout/_card_fields.html renders it):
     <form data-card-form data-token-url="/test-gateway/tokens/"> with {% csrf_token %}
       <input type="hidden" name="card_token">
       inputs WITHOUT name attributes: [data-card=number|exp_month|exp_year|cvc]
       error spots: [data-card-error=number|expiry|cvc|""] (the "" one for the whole card)
   On submit, when a card number was typed, the script posts
   {number, exp_month, exp_year, cvc} as JSON to the token URL, puts the token it gets
   into card_token and submits the form; errors come back per field and are shown beside
   the inputs. A submit button with data-skip-card (wallet, saved card) skips the card.
   An empty number skips it too: the server then says what is missing.

   Wallet sheet (test gateway): [data-wallet-open] opens dialog[data-wallet-sheet], whose
   Approve / Decline buttons submit wallet_token=wallet_ok / wallet_declined. */
(function () {
  "use strict";

  function field(form, name) {
    return form.querySelector('[data-card="' + name + '"]');
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-card-error]").forEach(function (spot) {
      spot.textContent = "";
      spot.hidden = true;
    });
    form.querySelectorAll("[data-card]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
    });
  }

  var inputsFor = { number: ["number"], expiry: ["exp_month", "exp_year"], cvc: ["cvc"] };

  function showErrors(form, errors) {
    var first = null;
    Object.keys(errors).forEach(function (key) {
      var spot = form.querySelector('[data-card-error="' + key + '"]') ||
        form.querySelector('[data-card-error=""]');
      if (spot) {
        spot.textContent = errors[key];
        spot.hidden = false;
      }
      (inputsFor[key] || []).forEach(function (name) {
        var input = field(form, name);
        if (input) {
          input.setAttribute("aria-invalid", "true");
          first = first || input;
        }
      });
    });
    if (first) first.focus();
  }

  function csrfToken(form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function submitAgain(form, submitter) {
    form.dataset.cardTokenized = "1";
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  function onSubmit(event) {
    var form = event.target;
    var submitter = event.submitter || null;
    if (form.dataset.cardTokenized === "1") return; // the token is in, let it go
    if (submitter && submitter.hasAttribute("data-skip-card")) return;
    var number = field(form, "number");
    var tokenInput = form.querySelector('input[name="card_token"]');
    if (!number || !tokenInput || !number.value.trim()) return;
    event.preventDefault();
    if (form.dataset.cardBusy === "1") return; // a double click while tokenizing
    form.dataset.cardBusy = "1";
    clearErrors(form);
    var body = {
      number: number.value,
      exp_month: (field(form, "exp_month") || {}).value || "",
      exp_year: (field(form, "exp_year") || {}).value || "",
      cvc: (field(form, "cvc") || {}).value || ""
    };
    fetch(form.dataset.tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(form) },
      body: JSON.stringify(body)
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (answer) {
        form.dataset.cardBusy = "";
        if (answer.ok && answer.data.token) {
          tokenInput.value = answer.data.token;
          submitAgain(form, submitter);
        } else {
          showErrors(form, answer.data.errors || { "": form.dataset.cardFailed || "" });
        }
      })
      .catch(function () {
        form.dataset.cardBusy = "";
        showErrors(form, { "": form.dataset.cardFailed || "The card could not be checked." });
      });
  }

  function setUp(form) {
    var tokenInput = form.querySelector('input[name="card_token"]');
    if (tokenInput) tokenInput.value = ""; // a token is used once: never resubmit an old one
    form.addEventListener("submit", onSubmit);
    form.querySelectorAll("[data-wallet-open]").forEach(function (button) {
      var sheet = form.querySelector("dialog[data-wallet-sheet]");
      if (!sheet) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        if (form.reportValidity && !form.reportValidity()) return; // the sheet needs the contact
        sheet.showModal();
      });
      sheet.querySelectorAll("[data-wallet-cancel]").forEach(function (cancel) {
        cancel.addEventListener("click", function () { sheet.close(); });
      });
    });
  }

  function start() {
    document.querySelectorAll("form[data-card-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
