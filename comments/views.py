"""Posting comments: a small form view for each action, rules in comments.services."""

from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import REASON_CSRF_TOKEN_MISSING, REASON_NO_CSRF_COOKIE, get_token
from django.shortcuts import get_object_or_404, render
from django.utils.cache import add_never_cache_headers
from django.views import csrf
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from comments.forms import CommentForm
from comments.models import Comment, commentable_posts
from comments.moderation import CommentRefused, Submission, client_ip
from comments.notifications import comment_from_token
from comments.services import comment_submit, comments_unsubscribe
from comments.thread import located_url

AWAITING_MODERATION = (
    "Thank you. Your comment is awaiting moderation and will appear once approved."
)


def _form_page(request, post, form, *, parent=None, status=200, confirm=False):
    """The comment form on a page of its own: for replies without JavaScript, and errors.

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


@require_POST
def post_comment(request, post_pk):
    """Take a new comment or reply; on any problem show the form again with what was typed."""
    post = get_object_or_404(commentable_posts().select_related("author"), pk=post_pk)
    form = CommentForm(request.POST, post=post)
    if not form.is_valid():
        return _form_page(request, post, form, parent=form.parent_comment, status=400)
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
    )
    try:
        comment = comment_submit(submission=submission)
    except CommentRefused as refusal:
        form.add_error(None, refusal.message)
        return _form_page(request, post, form, parent=form.parent_comment, status=refusal.status)
    if comment.status == Comment.Status.PUBLISHED:
        # Straight to the comment page that shows it (comment pages shift as threads grow).
        return HttpResponseRedirect(located_url(Comment.objects.located().get(pk=comment.pk)))
    # Pending and spam look the same to the commenter: spam is never announced.
    messages.info(request, AWAITING_MODERATION)
    return HttpResponseRedirect(post.get_absolute_url() + "#comments")


def reply_form(request, pk):
    """Show the reply form for one comment (the no-JavaScript path of “Reply”)."""
    parent = get_object_or_404(
        Comment.objects.select_related("post__author"),
        pk=pk,
        status=Comment.Status.PUBLISHED,
        post__in=commentable_posts(),
    )
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


@require_safe
def csrf_token(request):
    """Give the comment form its CSRF token (and the cookie) when it is about to be sent.

    Post pages carry no token, so one copy of a page can serve every reader from any
    cache; static/js/comments.js asks here on submit. Never cached.
    """
    response = JsonResponse({"token": get_token(request)})
    add_never_cache_headers(response)
    return response


def csrf_failure(request, reason=""):
    """Show a comment that arrived without a CSRF token again, ready to send once more.

    Post pages have no token in them (see csrf_token), so a reader without JavaScript
    sends their first comment without one. Nothing is stored: the form comes back with
    what they typed and a token, and a press of the button posts it. A request refused
    for any other reason (a token that does not match, a foreign origin) gets Django's
    usual 403 page.
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
