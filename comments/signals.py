"""What comments announce to the apps that show them (the blog retires cached pages).

Saves and deletes of a comment send Django's model signals. Writes that send none (a
queryset update, a bulk insert) send `comments_changed` with the ids of the posts whose
comments changed.
"""

from django.dispatch import Signal

comments_changed = Signal()  # sender: Comment; post_ids: set[int]
