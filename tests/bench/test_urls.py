"""The benchmark's hello view exists only in the benchmark's URLconf, never on the site."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_benchmark_hello_view_is_not_part_of_the_site(client):
    assert client.get("/bench/hello/").status_code == 404


def test_the_benchmark_urlconf_adds_only_the_hello_view_to_the_site(settings):
    settings.ROOT_URLCONF = "config.bench_urls"

    response = Client().get("/bench/hello/")

    assert response.content == b"hello"
    assert Client().get("/robots.txt").status_code == 200
