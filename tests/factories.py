import datetime

import factory
from django.utils import timezone

from authors.models import Author
from blog.models import AbstractSection, Citation, Hashtag, Paper, Post, PostHashtag, Series
from comments.models import Comment


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Author {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    bio = "Neurologist and blogger."


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["slug"]

    name = "ClinicSpeak"
    slug = factory.LazyAttribute(lambda o: o.name.lower())


class HashtagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hashtag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Tag{n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower())


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Post number {n}")
    slug = factory.Sequence(lambda n: f"post-number-{n}")
    teaser = "A question worth asking?"
    body = "First paragraph.\n\nSecond paragraph."
    author = factory.SubFactory(AuthorFactory)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        for position, name in enumerate(extracted or []):
            PostHashtag.objects.create(
                post=self, hashtag=HashtagFactory(name=name), position=position
            )


class PaperFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Paper

    authors = "Gelfand et al."
    title = factory.Sequence(lambda n: f"A study of things, part {n}")
    journal = "Neurol Neuroimmunol Neuroinflamm"
    published_on = datetime.date(2014, 10, 9)
    volume = "1"
    issue = "3"
    pages = "e34"


class AbstractSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AbstractSection

    paper = factory.SubFactory(PaperFactory)
    position = factory.Sequence(int)
    label = "RESULTS"
    text = "Something was found."


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    post = factory.SubFactory(PostFactory)
    paper = factory.SubFactory(PaperFactory)
    position = 0


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment inserted through the tree manager (last child of its parent)."""

    class Meta:
        model = Comment

    post = factory.SubFactory(PostFactory)
    parent = None
    author_name = ""
    body = factory.Sequence(lambda n: f"Comment number {n}.")
    status = Comment.Status.PUBLISHED
    created_at = factory.LazyFunction(timezone.now)
