"""What the site caches, under which keys, and what makes each entry stale.

Everything lives in the shared cache (Redis in production) under version tokens derived
from counters in the database (`versions`), so a cache that lost writes serves nothing
stale for longer than BLOG_CACHE_VERSION_SECONDS: a **post version** per post, bumped
whenever anything its page shows changes (with the comment trees a change touched), a
**site version**, bumped by any post or comment anywhere and changing by itself when the
next scheduled post goes live, and a **site posts version**, the same without comments (a
comment elsewhere leaves other posts' pages alone). Keyed by those versions:

- each comment page of a post (`blog:comment-page:...`), kept until a comment in a tree
  up to its last one changes, and the counts every page shows, per post version
  (`post_page`);
- the sidebar (`blog:sidebar:...`): site version (`fragments`);
- feed documents (`blog:feed:...`): the site version for the site, hashtag and author
  feeds, the post version too for a post's comment feed (`feeds`);
- previous/next and related posts (`blog:around:...`): site posts version (`fragments`);
- whole post pages for readers without personal cookies
  (`blog:whole-page:<encoding>:<address>`), served with their 304s before most of the
  middleware (`middleware.PostPageCacheMiddleware`), each holding the post version and
  site posts version it was built under (and the headers it was sent with; a worker
  keeps its last ones in memory too, `local_pages`, checked the same way) and used
  only while they are current, its sidebar's recent comments lagging by a stated bound
  at most; rebuilt once per version, the copy before served meanwhile for a stated
  bound (`post_page`; readers with cookies get the page built per request around the
  cached comment page and sidebar).

The post page (`PostPageCaching`), the other reader pages (`conditional_on_site`) and the
feeds (`cached_feed`) answer conditional GETs (ETag, Last-Modified) from the same tokens,
and say who may keep them (`http`). What bumps which version: `blog.signals`, the one
place that calls `posts_changed` and `comments_changed` (`changes`; an import groups
its calls with `changes_grouped`, so each post it writes is bumped once).
"""

from blog.caching.changes import changes_grouped, comments_changed, posts_changed
from blog.caching.feeds import cached_feed
from blog.caching.fragments import around_post_html, cached, origin_of, sidebar_html
from blog.caching.http import conditional_on_site, is_personal, no_store
from blog.caching.post_page import PostPageCaching
from blog.caching.versions import (
    ALL_TREES,
    post_saved,
    post_version,
    site_posts_version,
    site_version,
)

__all__ = [
    "ALL_TREES",
    "PostPageCaching",
    "around_post_html",
    "cached",
    "cached_feed",
    "changes_grouped",
    "comments_changed",
    "conditional_on_site",
    "is_personal",
    "no_store",
    "origin_of",
    "post_saved",
    "post_version",
    "posts_changed",
    "sidebar_html",
    "site_posts_version",
    "site_version",
]
