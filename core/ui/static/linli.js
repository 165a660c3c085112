/* Linli's own small script (no dependencies). A new request with a photo: the case is created by
   the ordinary form post, then the photo goes to the attachments API, then the case's page opens.
   Without JavaScript the form posts as usual and the photo is added on the case's page. */
(function () {
  "use strict";
  function csrf() {
    var raw = document.body.getAttribute("hx-headers");
    try { return raw ? JSON.parse(raw)["X-CSRF-Token"] : ""; } catch (e) { return ""; }
  }
  // Capture phase: runs before htmx's boost on the form. Without a photo htmx posts as usual.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.hasAttribute || !form.hasAttribute("data-photo-after")) return;
    var input = form.querySelector("input[type=file]");
    if (!input || !input.files.length) { if (input) input.disabled = true; return; }
    ev.preventDefault();
    ev.stopPropagation();
    var fields = new FormData(form);
    fields.delete(input.name);
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    var headers = { "X-CSRF-Token": csrf() };
    fetch(form.action, { method: "POST", body: new URLSearchParams(fields), headers: headers })
      .then(function (r) {
        if (!r.redirected || !r.ok) {  // refused: show the page as answered (errors inline)
          return r.text().then(function (html) { document.open(); document.write(html); document.close(); });
        }
        var caseUrl = r.url;
        var upload = new FormData();
        upload.append("owner_kind", "case");
        upload.append("owner_id", caseUrl.split("/").pop().split("?")[0]);
        upload.append("purpose", "photo");
        upload.append("file", input.files[0]);
        return fetch(form.getAttribute("data-upload"), { method: "POST", body: upload, headers: headers })
          .then(function (u) { location.href = caseUrl + (u.ok ? "" : "?photo=failed"); });
      })
      .catch(function () { if (button) button.disabled = false; });
  }, true);

  // No inline handlers anywhere (the Content-Security-Policy allows only this file's scripts):
  // data-autosubmit submits its form on change, data-print prints the page, and an htmx upload
  // form with data-reload-after-upload="<error id>" reloads the page when the upload succeeded
  // or shows that element when it did not.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (ev) {
    var el = ev.target && ev.target.closest ? ev.target.closest("[data-print]") : null;
    if (el) { ev.preventDefault(); window.print(); }
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var form = ev.detail && ev.detail.elt;
    if (!form || !form.getAttribute) return;
    var errorId = form.getAttribute("data-reload-after-upload");
    if (errorId === null) return;
    if (ev.detail.successful) { location.reload(); return; }
    var error = document.getElementById(errorId);
    if (error) error.hidden = false;
  });
})();
