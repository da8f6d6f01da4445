from django.urls import path

from comments import views

app_name = "comments"

urlpatterns = [
    path("posts/<int:post_pk>/comments/", views.post_comment, name="post"),
    path("comments/<int:pk>/", views.permalink, name="permalink"),
    path("comments/<int:pk>/reply/", views.reply_form, name="reply"),
    path("comments/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
