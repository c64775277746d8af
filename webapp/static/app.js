/* Behaviour every page may use, declared by data attributes (the CSP allows no inline handlers):
   data-confirm on a form asks before it is submitted; data-print on a button or link prints the page. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest && event.target.closest("[data-print]");
    if (trigger) {
      event.preventDefault();
      window.print();
    }
  });
}());
