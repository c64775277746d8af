/* Live countdowns (紧急信息) against the SERVER's clock, which the demo clock may have moved.
   Each .countdown carries the server's time at rendering (data-now) and the limit (data-due), both ISO; the
   browser's own clock only measures the seconds elapsed since the page was rendered. */
(function () {
  "use strict";
  if (window.govflowCountdown) { return; }
  window.govflowCountdown = true;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function render(el) {
    var remaining = Math.floor((el.govflowDue - (Date.now() + el.govflowOffset)) / 1000);
    var warn = Number(el.getAttribute("data-warn") || 0) * 60;
    if (remaining > 0) {
      el.textContent = "剩余 " + pad(Math.floor(remaining / 3600)) + ":" + pad(Math.floor(remaining % 3600 / 60)) +
        ":" + pad(remaining % 60);
      el.classList.remove("overdue");
      el.classList.toggle("near", remaining <= warn);
    } else {
      el.textContent = "已超时 " + Math.ceil(-remaining / 60) + " 分钟";
      el.classList.add("overdue");
      el.classList.remove("near");
    }
  }

  function start() {
    var items = Array.prototype.slice.call(document.querySelectorAll(".countdown[data-due][data-now]"));
    var loaded = Date.now();
    items.forEach(function (el) {
      el.govflowDue = Date.parse(el.getAttribute("data-due"));
      el.govflowOffset = Date.parse(el.getAttribute("data-now")) - loaded;
      render(el);
    });
    if (items.length) {
      window.setInterval(function () { items.forEach(render); }, 1000);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
