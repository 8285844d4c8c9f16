/* The customer record form (dashboard/customers/customer_form.html), no build step.

   Progressive enhancement: without this script every fieldset shows and the server
   ignores what does not apply (company fields of a personal customer, the shipping
   address while "same as billing" is ticked). With it:
   - [data-company] is hidden unless the "business" customer type is chosen;
   - [data-shipping-fields] is hidden while [data-shipping-same] is ticked.
   The `hidden` attribute also keeps the hidden fields out of the tab order. */
(function () {
  "use strict";

  function update(form) {
    var kind = form.querySelector('input[name="kind"]:checked');
    var business = kind !== null && kind.value === "business";
    form.querySelectorAll("[data-company]").forEach(function (element) {
      element.hidden = !business;
    });
    var same = form.querySelector("[data-shipping-same]");
    form.querySelectorAll("[data-shipping-fields]").forEach(function (element) {
      element.hidden = same !== null && same.checked;
    });
    form.querySelectorAll("[data-company-note], [data-shipping-note]").forEach(function (note) {
      note.hidden = true; // the notes explain what shows without the script
    });
  }

  function start() {
    document.querySelectorAll("form[data-customer-record]").forEach(function (form) {
      form.addEventListener("change", function () {
        update(form);
      });
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
