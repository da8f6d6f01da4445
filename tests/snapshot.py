"""Everything a reader could see of a post, as plain data, to compare two ways of loading it."""

from blog.models import Post


def post_content(post: Post) -> dict:
    """Return the post's content without database ids or bookkeeping times."""
    comments = list(post.comments.order_by("tree_id", "lft"))
    refs = {c.pk: c.source_ref for c in comments}
    return {
        "title": post.title,
        "slug": post.slug,
        "series": post.series.name if post.series else None,
        "teaser": post.teaser,
        "hashtags": [tag.name for tag in post.hashtag_list()],
        "body": post.body,
        "body_html": post.body_html,
        "status": post.status,
        "published_at": post.published_at,
        "conflict_of_interest": post.conflict_of_interest,
        "author": (post.author.name, post.author.slug, post.author.bio),
        "papers": [
            {
                "citation": paper.vancouver(),
                "published_on": paper.published_on,
                "abstract": list(paper.abstract_sections.values_list("label", "text")),
            }
            for paper in post.paper_list()
        ],
        "comments": [
            (
                c.source_ref,
                refs.get(c.parent_id),
                c.level,
                c.author_name,
                c.body,
                c.body_html,
                c.status,
            )
            for c in comments
        ],
    }
