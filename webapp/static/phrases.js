/* 常用语: a picker in front of each opinion box of the task form, and saving one's own phrase. */
(function () {
  "use strict";

  function attach(box) {
    var picker = document.getElementById("phrase-picker").content.firstElementChild.cloneNode(true);
    box.parentNode.insertBefore(picker, box);
    picker.querySelector("select").addEventListener("change", function () {
      if (this.value) { box.value = box.value ? box.value + this.value : this.value; }
    });
    picker.querySelector(".phrase-save").addEventListener("click", function () {
      var text = box.value.trim();
      if (!text) { box.focus(); return; }
      var form = document.getElementById("phrase-form");
      form.elements.text.value = text;
      fetch(form.action, { method: "POST", body: new FormData(form), headers: { "Accept": "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (answer) {
          if (answer.ok) {
            var option = document.createElement("option");
            option.textContent = text;
            picker.querySelector("select").add(option, 1);
          }
          alert(answer.message);
        });
    });
  }

  function start() {
    if (!document.getElementById("phrase-picker")) { return; }
    document.querySelectorAll("#task-form textarea[name=opinion]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
