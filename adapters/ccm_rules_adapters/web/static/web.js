/* The web app's one script of its own (issue 19): htmx requests carry the page's CSRF token.
   No inline script anywhere: the Content-Security-Policy allows script-src 'self' only. */
document.addEventListener("htmx:configRequest", function (event) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) {
    event.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
  }
});
