"""A cited paper's page (the posts citing it) and its downloads: RIS, BibTeX, CSL-JSON."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.text import Truncator
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from blog import citations
from blog.models import Post
from blog.page_meta import PageMeta
from blog.papers import csl
from blog.papers.models import Paper
from blog.social_cards import site_card_image
from blog.structured_data import paper_page_json_ld
from blog.views import PostsOfMixin
from core.site import absolute_url


def _reachable_papers():
    """Papers readers may reach: not one only drafts or scheduled posts cite."""
    papers = Paper.objects.prefetch_related("abstract_sections")
    return Post.objects.reachable(papers, "citations__paper")


class PaperDetailView(PostsOfMixin, DetailView):
    posts_filter = "citations__paper"

    def get_queryset(self):
        return _reachable_papers()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        paper = self.object
        context["citation_styles"] = csl.styled_citations(paper)
        context["structured_data"] = paper_page_json_ld(paper)
        context["meta"] = PageMeta(
            title=paper.title,
            description=Truncator(paper.vancouver()).chars(200),
            url=absolute_url(paper.get_absolute_url()),
            image=site_card_image(),
        )
        return context


def _paper_download(pk: int, body, content_type: str, extension: str) -> HttpResponse:
    paper = get_object_or_404(_reachable_papers(), pk=pk)
    return HttpResponse(
        body(paper),
        content_type=content_type,
        headers={
            "Content-Disposition": content_disposition_header(
                True, citations.download_filename(paper, extension)
            )
        },
    )


@require_safe
def paper_ris(request, pk: int) -> HttpResponse:
    """Download a paper as RIS, for EndNote, Zotero, Mendeley and the like."""
    return _paper_download(pk, citations.ris, citations.RIS_CONTENT_TYPE, "ris")


@require_safe
def paper_bibtex(request, pk: int) -> HttpResponse:
    """Download a paper as a BibTeX entry."""
    return _paper_download(pk, citations.bibtex, citations.BIBTEX_CONTENT_TYPE, "bib")


@require_safe
def paper_csl_json(request, pk: int) -> HttpResponse:
    """Download a paper as CSL-JSON (a list of one item), the record every format comes from."""
    return _paper_download(pk, citations.csl_json_text, citations.CSL_JSON_CONTENT_TYPE, "json")
