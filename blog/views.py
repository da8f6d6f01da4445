from django.views.generic import DetailView, ListView

from blog.models import Post


class PostListView(ListView):
    pass


class PostDetailView(DetailView):
    model = Post


AuthorDetailView = SeriesDetailView = HashtagDetailView = PaperDetailView = PostDetailView
