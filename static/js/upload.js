/* Upload with a progress bar: sends the form with XMLHttpRequest so the browser can
 * report upload progress, then follows the server's redirect to the preview. Without
 * JavaScript (or without XHR upload events) the form posts normally. No inline script. */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload]");
  if (!form || !window.FormData || !("upload" in new XMLHttpRequest())) return;
  var box = document.querySelector("[data-upload-progress]");
  var bar = box && box.querySelector("progress");
  var status = box && box.querySelector("[data-upload-status]");
  var en = (document.documentElement.lang || "id").indexOf("en") === 0;
  var text = en
    ? { sending: "Uploading… {pct}%", checking: "Checking the file…", failed: "Upload failed; please try again." }
    : { sending: "Mengunggah… {pct}%", checking: "Memeriksa berkas…", failed: "Unggahan gagal; silakan coba lagi." };

  form.addEventListener("submit", function (event) {
    if (!box || !form.querySelector("input[type=file]").files.length) return;
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progress) {
      if (!progress.lengthComputable) return;
      var pct = Math.round((progress.loaded / progress.total) * 100);
      bar.value = pct;
      status.textContent = text.sending.replace("{pct}", pct);
    });
    request.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      status.textContent = text.checking;
    });
    request.addEventListener("load", function () {
      if (request.responseURL && request.responseURL.split("?")[0] !== form.action) {
        window.location.assign(request.responseURL);
        return;
      }
      /* The upload page came back with a problem: show it without running any script. */
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var main = page.querySelector("main");
      if (main) {
        document.querySelector("main").replaceWith(main);
      } else {
        status.textContent = text.failed;
        button.disabled = false;
      }
    });
    request.addEventListener("error", function () {
      status.textContent = text.failed;
      button.disabled = false;
    });
    box.hidden = false;
    button.disabled = true;
    request.send(new FormData(form));
  });
})();
