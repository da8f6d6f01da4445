// Inline replies. Without JavaScript, each "Reply" link opens a page with the reply form;
// with it, the one comment form on the page moves under the comment being answered.
// Also fetches the form's CSRF token when it is sent (see below).
(function () {
  "use strict";
  const form = document.querySelector("form.comment-form");
  if (!form) return;
  const home = form.parentElement;
  const marker = document.createComment("comment form home");
  home.insertBefore(marker, form);
  const parentField = form.querySelector('input[name="parent"]');
  const submit = form.querySelector('button[type="submit"]');
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "comment-cancel-reply";
  cancel.textContent = "Cancel reply";
  cancel.hidden = true;
  submit.after(cancel);

  function restore() {
    parentField.value = "";
    submit.textContent = "Post comment";
    cancel.hidden = true;
    marker.after(form);
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a.comment-reply-link");
    if (!link) return;
    event.preventDefault();
    const article = link.closest("article.comment");
    parentField.value = link.dataset.parentId;
    submit.textContent = "Post reply";
    cancel.hidden = false;
    link.closest(".comment-actions").after(form);
    form.querySelector("textarea").focus();
    article.classList.add("comment-replying");
  });

  // Post pages carry no CSRF token, so every reader can be served the same cached copy;
  // the form fetches its token (and cookie) when it is sent. Should that fail, the form
  // goes without one and the server sends it back to be confirmed.
  form.addEventListener("submit", function (event) {
    const url = form.dataset.tokenUrl;
    if (!url || form.querySelector('input[name="csrfmiddlewaretoken"]')) return;
    event.preventDefault();
    submit.disabled = true;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.json() : {};
      })
      .catch(function () {
        return {};
      })
      .then(function (data) {
        if (data.token) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = "csrfmiddlewaretoken";
          input.value = data.token;
          form.prepend(input);
        }
        submit.disabled = false;
        form.submit();
      });
  });

  cancel.addEventListener("click", function () {
    document.querySelectorAll(".comment-replying").forEach(function (el) {
      el.classList.remove("comment-replying");
    });
    restore();
    home.querySelector("textarea").focus();
  });
})();
