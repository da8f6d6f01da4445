"""Posting comments: a small form view for each action, rules in comments.services."""

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import (
    REASON_CSRF_TOKEN_MISSING,
    REASON_NO_CSRF_COOKIE,
    CsrfViewMiddleware,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.module_loading import import_string
from django.views import csrf
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments.forms import CommentForm
from comments.held import HELD_ANCHOR, remember_held
from comments.identity import badge_for
from comments.models import Comment, commentable_posts
from comments.moderation import CommentRefused, Submission, client_ip
from comments.notifications import comment_from_token
from comments.origin import Verdict, request_origin
from comments.services import comment_submit, comments_unsubscribe
from comments.thread import located_url

# Sent by static/js/comments.js, which shows the form's errors in place (JSON answers).
INLINE_HEADER = "X-Comment-Form"


def _form_page(request, post, form, *, parent=None, status=200, confirm=False):
    """The comment form on a page of its own: the no-JavaScript path of "Reply", and a
    comment that must be confirmed with a token (see csrf_failure).

    It holds a CSRF token and what the reader typed, so no cache may keep it.
    """
    response = render(
        request,
        "comments/comment_form_page.html",
        {"post": post, "form": form, "parent": parent, "confirm": confirm},
        status=status,
    )
    add_never_cache_headers(response)
    return response


def _is_inline(request) -> bool:
    return request.headers.get(INLINE_HEADER) == "inline"


def _form_again(request, post, form, *, status: int):
    """Show the form again with its errors and what was typed, where the reader was.

    From the script: the form's markup as JSON, put in place of the form. Without it:
    the post page itself, its form at #respond holding the errors (the form's action
    ends with that fragment, so the browser scrolls there).
    """
    if _is_inline(request):
        html = render_to_string(
            "comments/includes/form.html",
            {"post": post, "form": form, "tokenless": True},
            request=request,
        )
        response = JsonResponse({"form": html}, status=status)
        add_never_cache_headers(response)
        return response
    render_post_page = import_string(settings.COMMENTS_POST_PAGE)
    return render_post_page(request, post, comment_form=form, status=status)


def _go_to(request, url: str):
    if _is_inline(request):
        response = JsonResponse({"location": url})
        add_never_cache_headers(response)
        return response
    return HttpResponseRedirect(url)


def _token_checked(request):  # never called: the CSRF middleware checks against it
    raise NotImplementedError


def _token_refusal(request):
    """Run Django's CSRF token check; return its refusal (csrf_failure), or None."""
    return CsrfViewMiddleware(_token_checked).process_view(request, _token_checked, (), {})


# The browser's word on where the form was sent from replaces the CSRF token, so cached
# post pages serve every reader and a comment takes one press (see comments.origin).
@csrf_exempt
@require_POST
def post_comment(request, post_pk):
    """Take a new comment or reply; on any problem show the form again with what was typed."""
    verdict = request_origin(request)
    if verdict is Verdict.CROSS_ORIGIN:
        return csrf.csrf_failure(request, reason=CROSS_ORIGIN_REASON)
    if verdict is Verdict.UNKNOWN and (refusal := _token_refusal(request)) is not None:
        return refusal
    post = get_object_or_404(commentable_posts().select_related("author"), pk=post_pk)
    form = CommentForm(request.POST, post=post, user=request.user)
    if not form.is_valid():
        return _form_again(request, post, form, status=400)
    data = form.cleaned_data
    submission = Submission(
        post=post,
        parent=form.parent_comment,
        author_name=data["name"],
        author_email=data["email"],
        body=data["body"],
        notify_replies=data["notify"],
        ip_address=client_ip(request),
        honeypot=data["website"],
        badge=badge_for(request.user, post),
    )
    try:
        comment = comment_submit(submission=submission)
    except CommentRefused as refusal:
        form.add_error(None, refusal.message)
        return _form_again(request, post, form, status=refusal.status)
    if comment.status == Comment.Status.PUBLISHED:
        # To the comment's stable address, which finds its page when followed: replies
        # posted meanwhile may move it to a later page (read on the primary: config.routers).
        return _go_to(request, f"{comment.get_absolute_url()}#{comment.anchor}")
    # Pending and spam look the same to the commenter: spam is never announced. They
    # land on their own text, marked as awaiting moderation (comments.held).
    response = _go_to(request, f"{post.get_absolute_url()}#{HELD_ANCHOR}")
    remember_held(response, comment)
    return response


def reply_form(request, pk):
    """Show the reply form for one comment (the no-JavaScript path of “Reply”)."""
    parent = get_object_or_404(Comment.objects.visible().select_related("post__author"), pk=pk)
    form = CommentForm(initial={"parent": parent.pk}, post=parent.post)
    return _form_page(request, parent.post, form, parent=parent)


# The signed token is the credential, and mail clients' one-click POST (RFC 8058) carries
# no CSRF token, so this one view is exempt.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """Stop reply emails: GET asks for one click, POST (or a mail client's one-click) does it."""
    comment = comment_from_token(token)
    if comment is None:
        return render(request, "comments/unsubscribe.html", {"invalid": True}, status=400)
    done = False
    if request.method == "POST":
        comments_unsubscribe(comment=comment)
        done = True
    return render(request, "comments/unsubscribe.html", {"comment": comment, "done": done})


@require_safe
def permalink(request, pk):
    """Send a comment's stable address (`/comments/<pk>/`) to the comment page holding it.

    One query finds the comment, checks readers can see it on the post page, and counts
    the comments shown before it, which gives its page. 302, as the page changes when
    the thread grows.
    """
    comment = get_object_or_404(Comment.objects.located(), pk=pk)
    return HttpResponseRedirect(located_url(comment))


CROSS_ORIGIN_REASON = "The comment was sent from another site's page."


def csrf_failure(request, reason=""):
    """Show a comment that arrived with neither an origin nor a CSRF token again, ready
    to send once more.

    Post pages have no token in them, and browsers say where a form was sent from
    (comments.origin); one that says nothing (a very old browser) gets here. Nothing is
    stored: the form comes back with what they typed and a token, and a press of the
    button posts it. A request refused for any other reason (a token that does not
    match, a foreign origin) gets Django's usual 403 page.
    """
    match = request.resolver_match
    if (
        reason in (REASON_NO_CSRF_COOKIE, REASON_CSRF_TOKEN_MISSING)
        and match is not None
        and match.view_name == "comments:post"
    ):
        post = commentable_posts().filter(pk=match.kwargs["post_pk"]).first()
        if post is not None:
            form = CommentForm(request.POST, post=post)
            form.is_valid()  # show what needs correcting, and find the comment replied to
            return _form_page(
                request, post, form, parent=form.parent_comment, status=403, confirm=True
            )
    return csrf.csrf_failure(request, reason=reason)
