import pytest

from blog import views as blog_views


@pytest.fixture
def discussions_built(monkeypatch):
    """Record (post id, page number) of every comment page built, not taken from the cache."""
    built = []
    real = blog_views.build_discussion_page

    def spy(post, number, origin):
        built.append((post.pk, number))
        return real(post, number, origin)

    monkeypatch.setattr(blog_views, "build_discussion_page", spy)
    return built
