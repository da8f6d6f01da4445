// The comment form, improved where script runs (everything works without it):
// - "Reply" moves the page's one comment form under the comment answered (without script,
//   each "Reply" link opens a page with the reply form); Escape or "Cancel reply" puts it back;
// - the form is sent in the background, so a mistake comes back in place, with what was
//   typed, and a comment that went through opens where it is shown.
// No CSRF token is needed: the browser's Origin / Sec-Fetch-Site headers stand in for it.
(function () {
  "use strict";
  const form = document.querySelector("form.comment-form");
  if (!form) return;
  const home = form.parentElement;
  const marker = document.createComment("comment form home");
  home.insertBefore(marker, form);
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "comment-cancel-reply";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;

  function field(name) {
    return form.querySelector('[name="' + name + '"]');
  }

  function placeCancel() {
    form.querySelector('button[type="submit"]').after(cancel);
  }
  placeCancel();

  function replying() {
    return !cancel.hidden;
  }

  function closeReply() {
    document.querySelectorAll(".comment-replying").forEach(function (el) {
      el.classList.remove("comment-replying");
    });
    field("parent").value = "";
    form.querySelector('button[type="submit"]').textContent = "Post comment";
    cancel.hidden = true;
    marker.after(form);
    field("body").focus();
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.comment-reply-link");
    if (!link) return;
    event.preventDefault();
    document.querySelectorAll(".comment-replying").forEach(function (el) {
      el.classList.remove("comment-replying");
    });
    const article = link.closest("article.comment");
    field("parent").value = link.dataset.parentId;
    form.querySelector('button[type="submit"]').textContent = "Post reply";
    cancel.hidden = false;
    link.closest(".comment-actions").after(form);
    field("body").focus();
    article.classList.add("comment-replying");
  });

  cancel.addEventListener("click", closeReply);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && replying() && form.contains(document.activeElement)) {
      closeReply();
    }
  });

  // Go where the server says the comment is shown. The same page with another fragment
  // would only scroll, so it is loaded again; a reload keeps the old scroll position, so
  // the new page is told to scroll to the fragment itself.
  const LANDING = "comments:landing";
  function open(url) {
    const target = new URL(url, window.location.href);
    const here = new URL(window.location.href);
    if (target.pathname === here.pathname && target.search === here.search) {
      history.replaceState(null, "", target.href);
      sessionStorage.setItem(LANDING, target.hash);
      window.location.reload();
    } else {
      window.location.assign(target.href);
    }
  }
  const landing = sessionStorage.getItem(LANDING);
  if (landing) {
    sessionStorage.removeItem(LANDING);
    history.scrollRestoration = "manual"; // this once, the fragment decides
    const spot = landing === window.location.hash && document.getElementById(landing.slice(1));
    if (spot) {
      window.addEventListener("load", function () {
        spot.scrollIntoView();
      });
    }
  }

  // Put the server's copy of the form, with its errors and what was typed, in place.
  function showErrors(html) {
    const wasReply = replying();
    const fresh = new DOMParser().parseFromString(html, "text/html").querySelector("form");
    form.replaceChildren.apply(form, Array.from(fresh.childNodes));
    placeCancel();
    if (wasReply) form.querySelector('button[type="submit"]').textContent = "Post reply";
    // The first field to correct, else the summary (a problem with the whole comment).
    const first = form.querySelector("[aria-invalid=true]") || form.querySelector(".form-error-summary");
    (first || field("body")).focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const submit = form.querySelector('button[type="submit"]');
    submit.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Comment-Form": "inline" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (data) {
        if (data.location) {
          open(data.location);
        } else {
          showErrors(data.form);
        }
      })
      .catch(function () {
        form.submit(); // the server answers the plain form as well
      })
      .finally(function () {
        submit.disabled = false;
      });
  });
})();
