"""Pages showing imported WordPress content, and the import page with its report, are
valid HTML (vnu)."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from blog.models import Post
from tests.test_html_validity import html_errors, require_checker

pytestmark = pytest.mark.django_db

EXPORT = Path(__file__).resolve().parents[2] / "fixtures" / "wordpress" / "export.xml"


def test_an_imported_post_and_the_import_page_have_no_html_errors(client, staff_client, tmp_path):
    require_checker()
    call_command("import_wordpress", str(EXPORT), verbosity=0)
    pages = {
        "imported-post": (client, Post.objects.get(source_ref="wp:4").get_absolute_url()),
        "import-page": (staff_client, reverse("admin:blog_post_import_platform")),
    }
    files = []
    for name, (browser, url) in pages.items():
        response = browser.get(url)
        assert response.status_code == 200, url
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(str(path))
    export = SimpleUploadedFile("export.xml", EXPORT.read_bytes(), content_type="text/xml")
    report = staff_client.post(
        reverse("admin:blog_post_import_platform"),
        {"platform": "wordpress", "pingbacks": "skip", "export": export, "dry_run": "on"},
    )
    assert b'id="import-report"' in report.content
    (tmp_path / "import-report.html").write_bytes(report.content)
    files.append(str(tmp_path / "import-report.html"))
    errors = html_errors([Path(f) for f in files])
    assert errors == []
