from django.urls import path

from blog import views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("<int:year>/<int:month>/<slug:slug>/", views.PostDetailView.as_view(), name="post-detail"),
    path("authors/<slug:slug>/", views.AuthorDetailView.as_view(), name="author-detail"),
    path("series/<slug:slug>/", views.SeriesDetailView.as_view(), name="series-detail"),
    path("tags/<slug:slug>/", views.HashtagDetailView.as_view(), name="hashtag-detail"),
    path("papers/<int:pk>/", views.PaperDetailView.as_view(), name="paper-detail"),
]
