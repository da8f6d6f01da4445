from django.conf import settings


def site(request):
    """Expose the blog's name and tagline to every template."""
    return {"BLOG_NAME": settings.BLOG_NAME, "BLOG_TAGLINE": settings.BLOG_TAGLINE}
