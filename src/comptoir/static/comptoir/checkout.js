/* Checkout and donation forms: show only what the shopper's choices need (no build step).

   Progressive enhancement: without this script every part of the form shows and the
   server checks what was posted, as before. With it:
   - fulfilment: inside form[data-checkout-form], each element with data-for="pickup
     curbside" (the fulfilments it serves, space-separated) is shown only while one of
     those is the chosen input[name=fulfilment]; the others get the `hidden` attribute,
     which also keeps them out of the tab order, so the first field of the chosen
     fulfilment follows its radio button. [data-all-fulfilments] (words only needed when
     every part shows, like "(pickup and curbside)") is hidden.
   - summary: [data-fee-line][data-for] lines of section[data-checkout-summary] are the
     fee and total of a fulfilment; the one matching the choice shows (for delivery, the
     zone whose data-postal-codes holds the typed postal code, else the "from" line with
     data-postal-codes=""). The server's own line [data-fee-line=server] is replaced.
   - payment: while a saved card is chosen in [data-saved-cards], [data-new-card] (the
     card inputs and "save this card") is hidden and the typed card number is cleared, so
     that test-gateway.js does not tokenize a card the shopper no longer means to use.
   - account: [data-shown-with="create_account"] (the password) shows only while the
     "create an account" box is ticked. */
(function () {
  "use strict";

  function chosen(form, name) {
    var input = form.querySelector('input[name="' + name + '"]:checked');
    return input ? input.value : null;
  }

  function servesChoice(element, choice) {
    return choice !== null && element.dataset.for.split(/\s+/).indexOf(choice) !== -1;
  }

  function normalisedPostalCode(form) {
    var input = form.querySelector('input[name="postal_code"]');
    return input ? input.value.replace(/\s+/g, "").toUpperCase() : "";
  }

  function showFeeLine(form, choice) {
    var summary = document.querySelector("[data-checkout-summary]");
    if (!summary) return;
    var code = normalisedPostalCode(form);
    var lines = summary.querySelectorAll("[data-fee-line][data-for]");
    var zoneFound = false;
    lines.forEach(function (line) {
      var codes = line.dataset.postalCodes;
      if (codes && servesChoice(line, choice) && code && codes.split(/\s+/).indexOf(code) !== -1) {
        zoneFound = true;
      }
    });
    lines.forEach(function (line) {
      var show = servesChoice(line, choice);
      if (show && line.dataset.postalCodes !== undefined) {
        var codes = line.dataset.postalCodes;
        show = codes ? zoneFound && codes.split(/\s+/).indexOf(code) !== -1 : !zoneFound;
      }
      line.hidden = !show;
    });
    summary.querySelectorAll('[data-fee-line="server"]').forEach(function (line) {
      line.hidden = true; // the lines above say the same, and follow the choice
    });
  }

  function showFulfilment(form) {
    var choice = chosen(form, "fulfilment");
    form.querySelectorAll("[data-for]").forEach(function (part) {
      part.hidden = !servesChoice(part, choice);
    });
    form.querySelectorAll("[data-all-fulfilments]").forEach(function (words) {
      words.hidden = true;
    });
    showFeeLine(form, choice);
  }

  function showPayment(form) {
    var cards = form.querySelector("[data-saved-cards]");
    var newCard = form.querySelector("[data-new-card]");
    if (!cards || !newCard) return;
    var card = chosen(form, "saved_card");
    var savedCardChosen = card !== null && card !== "";
    newCard.hidden = savedCardChosen;
    if (savedCardChosen) {
      newCard.querySelectorAll("[data-card]").forEach(function (input) {
        input.value = "";
      });
    }
  }

  function showWithBoxes(form) {
    form.querySelectorAll("[data-shown-with]").forEach(function (part) {
      var box = form.querySelector('input[name="' + part.dataset.shownWith + '"]');
      part.hidden = Boolean(box) && !box.checked;
    });
  }

  function setUp(form) {
    if (form.querySelector('input[name="fulfilment"]')) {
      showFulfilment(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "fulfilment") showFulfilment(form);
      });
      form.addEventListener("input", function (event) {
        if (event.target.name === "postal_code") showFeeLine(form, chosen(form, "fulfilment"));
      });
    }
    showPayment(form);
    showWithBoxes(form);
    form.addEventListener("change", function (event) {
      if (event.target.name === "saved_card") showPayment(form);
      if (event.target.type === "checkbox") showWithBoxes(form);
    });
  }

  function start() {
    document.querySelectorAll("form[data-checkout-form]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
