// The Orders page, live: htmx swaps #orders-live every few seconds; this script
// re-evaluates each row's late flag with the browser's clock (the same rule as
// orders.late_risk, which renders the first paint), highlights orders not accepted in
// time, and on a new order or a customer's arrival plays a short sound and shows a
// browser notification when the member allowed them.
(function () {
  "use strict";
  var alerts = document.getElementById("orders-alerts");
  if (!alerts) return;
  var texts = alerts.dataset;
  var reminderMs = parseInt(texts.reminderMs, 10) || 300000;
  // The member's own settings (both on unless they turned them off).
  var alertNewOrders = texts.alertNewOrders !== "0";
  var alertArrivals = texts.alertArrivals !== "0";
  var seenOrders = null;
  var seenArrivals = null;

  function minute(ms) { return ms % 60000 ? ms - (ms % 60000) + 60000 : ms; }
  function clock(ms, zone) {
    return new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone || undefined}).format(new Date(ms));
  }

  function evaluate(row, now) {
    var state = row.dataset.state;
    if (!row.dataset.placed) return;
    var placed = parseInt(row.dataset.placed, 10);
    if (state === "proposed") row.classList.toggle("awaiting", now - placed >= reminderMs);
    var cell = row.querySelector(".late-flag");
    if (!cell || (state !== "proposed" && state !== "reserved") || !row.dataset.promised) return;
    var promised = parseInt(row.dataset.promised, 10);
    var accepted = parseInt(row.dataset.accepted, 10);
    var start = state !== "proposed" && accepted ? accepted : Math.max(placed, now);
    var ready = start + parseInt(row.dataset.prep, 10) * 60000;
    var late = ready > promised;
    var template = state === "proposed" ? texts.reasonProposed : texts.reasonReserved;
    var reason = template.replace("%(ready)s", clock(minute(ready), row.dataset.zone))
      .replace("%(promised)s", clock(promised, row.dataset.zone));
    var flag = cell.querySelector(".flag");
    var small = cell.querySelector(".reason");
    if (!flag || !small) return;
    flag.className = "flag " + (late ? "late" : "on-time");
    flag.dataset.late = late ? "true" : "false";
    flag.textContent = late ? texts.late : texts.onTime;
    small.textContent = reason;
  }

  function beep() {
    try {
      var Context = window.AudioContext || window.webkitAudioContext;
      var audio = new Context();
      var tone = audio.createOscillator();
      var gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.value = 0.15;
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.25);
    } catch (e) { /* no sound available: the list still shows it */ }
  }

  function notify(title, body) {
    document.body.dataset.lastAlert = title + ": " + body;
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification(title, {body: body}); } catch (e) { /* ignored */ }
    }
  }

  function scan() {
    var now = Date.now();
    var rows = document.querySelectorAll("#orders-live tr.order-row");
    var orders = new Set();
    var arrivals = new Map();
    rows.forEach(function (row) {
      evaluate(row, now);
      orders.add(row.dataset.orderId);
      if (row.dataset.arrived) arrivals.set(row.dataset.orderId, row);
    });
    if (seenOrders !== null) {
      var fresh = [];
      orders.forEach(function (id) { if (!seenOrders.has(id)) fresh.push(id); });
      if (fresh.length) {
        if (alertNewOrders) beep();
        fresh.forEach(function (id) {
          var row = document.querySelector('#orders-live tr[data-order-id="' + id + '"]');
          if (!row) return;
          row.classList.add("new");
          if (alertNewOrders) notify(texts.newOrder, row.dataset.number);
        });
      }
      arrivals.forEach(function (row, id) {
        if (seenArrivals.has(id) || !alertArrivals) return;
        beep();
        var message = texts.arrived + " · " + row.dataset.number + " · " + row.dataset.arrived;
        var box = document.getElementById("arrival-alerts");
        var item = document.createElement("p");
        item.className = "alert arrival-alert";
        item.textContent = message;
        box.appendChild(item);
        notify(texts.arrived, row.dataset.number);
      });
    }
    seenOrders = new Set(orders);
    seenArrivals = new Set(arrivals.keys());
  }

  var allow = document.getElementById("allow-notifications");
  if (allow && "Notification" in window && Notification.permission === "default") {
    allow.hidden = false;
    allow.addEventListener("click", function () {
      Notification.requestPermission().then(function () { allow.hidden = true; });
    });
  }
  document.body.addEventListener("htmx:afterSettle", scan);
  scan();
  window.setInterval(scan, 2000);
})();
