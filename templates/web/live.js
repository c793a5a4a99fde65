// Live updates for the campaign page: fetch the changing part again and swap it in.
// The page works without this script; it only saves a reload.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) { return; }
  var status = document.getElementById("live-status");
  var url = live.getAttribute("data-live-url");
  var interval = parseInt(live.getAttribute("data-interval"), 10) || 3000;
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { accept: "text/html" } })
      .then(function (answer) {
        if (!answer.ok) { throw new Error("status " + answer.status); }
        return answer.text();
      })
      .then(function (html) {
        if (html !== live.getAttribute("data-html")) {
          var focused = document.activeElement && live.contains(document.activeElement)
            ? document.activeElement.getAttribute("href") : null;
          live.innerHTML = html;
          live.setAttribute("data-html", html);
          if (focused) {
            var again = live.querySelector('a[href="' + focused.replace(/"/g, '\\"') + '"]');
            if (again) { again.focus(); }
          }
        }
        if (status) { status.textContent = "Live: updated " + new Date().toLocaleTimeString() + "."; }
      })
      .catch(function (error) {
        if (status) { status.textContent = "Live updates paused (" + error.message + "); reload the page."; }
      })
      .then(function () { window.setTimeout(refresh, interval); });
  }
  window.setTimeout(refresh, interval);
})();
