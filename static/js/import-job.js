/* A queued import's progress page (blog.platforms.admin_views.import_job_view) fetches
   itself every few seconds and puts the new status in place, until the import ends.
   Without JavaScript the page shows the status as it was loaded, with a Refresh link. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var DELAY = 2000;
  var job = document.getElementById("import-job");
  if (!job || job.dataset.finished === "true") return;

  function update() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("import-job");
        if (!fresh) throw new Error("no status on the page");
        // The summary is a live region: changing its text is announced, politely.
        ["import-job-heading", "import-job-summary", "import-job-details"].forEach(function (id) {
          var now = document.getElementById(id);
          var next = page.getElementById(id);
          if (now && next && now.innerHTML !== next.innerHTML) now.innerHTML = next.innerHTML;
        });
        job.dataset.finished = fresh.dataset.finished;
        if (fresh.dataset.finished !== "true") window.setTimeout(update, DELAY);
      })
      .catch(function () {
        window.setTimeout(update, DELAY * 5); // the server is busy or down: ask less often
      });
  }

  window.setTimeout(update, DELAY);
});
