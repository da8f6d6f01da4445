"""Images go through Django's storage API: the filesystem, or an S3-compatible store.

The S3 run starts moto's S3-compatible server on 127.0.0.1 (a real HTTP server that
django-storages and boto3 talk to over the network stack) and reads the objects back.
"""

import io
import socket

import boto3
import pytest
from django.core.exceptions import ValidationError
from PIL import ExifTags, Image

from images.models import Image as ImageRow
from images.services import image_create
from tests.images.conftest import exif_with_gps, image_bytes

pytestmark = pytest.mark.django_db

# The ports this project's test servers may use.
TEST_PORTS = range(8180, 8190)
CREDENTIALS = {"access_key": "testing", "secret_key": "testing"}


def _free_port() -> int:
    for port in TEST_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    pytest.skip("no free port in 8180-8189")


@pytest.fixture
def s3_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(
        Bucket="blog-media", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    yield endpoint, client
    server.stop()


def test_an_upload_is_stored_as_renditions_on_the_filesystem(media_root, django_user_model):
    user = django_user_model.objects.create_user("editor")
    image = image_create(
        data=image_bytes("JPEG", size=(1000, 600), exif=exif_with_gps()),
        alt_text="  MRI: a ring-enhancing lesion  ",
        caption="Axial T1 after gadolinium.",
        credit="Barts Health",
        original_name="IMG_0042.JPG",
        user=user,
    )
    image.refresh_from_db()
    assert image.alt_text == "MRI: a ring-enhancing lesion"
    assert (image.width, image.height, image.format) == (1000, 600, "JPEG")
    assert image.uploaded_by == user
    names = sorted(item["name"] for item in image.renditions)
    assert len(names) == 6  # 480, 800, 1000 wide; WebP and JPEG
    for name in names:
        path = media_root / name
        assert path.is_file()
        stored = Image.open(path)
        assert stored.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert image.largest().url == f"/media/{image.folder}/1000.jpg"
    assert (image.largest().width, image.largest().height) == (1000, 600)


def test_alt_text_is_required_and_nothing_is_stored_without_it(media_root):
    with pytest.raises(ValidationError) as refused:
        image_create(data=image_bytes("PNG"), alt_text="   ")
    assert "alt_text" in refused.value.message_dict
    assert ImageRow.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_a_refused_upload_stores_nothing(media_root):
    with pytest.raises(ValidationError, match="not an image"):
        image_create(data=b"GIF89a? no, just text", alt_text="A chart")
    assert ImageRow.objects.count() == 0


def test_the_same_code_stores_images_in_an_s3_compatible_bucket(settings, s3_server):
    endpoint, client = s3_server
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "blog-media",
                "endpoint_url": endpoint,
                "region_name": "eu-west-2",
                "querystring_auth": False,
                "file_overwrite": False,
                **CREDENTIALS,
            },
        },
    }
    image = image_create(
        data=image_bytes("PNG", size=(900, 300), exif=exif_with_gps()), alt_text="A graph"
    )
    listed = client.list_objects_v2(Bucket="blog-media", Prefix=image.folder)
    keys = sorted(item["Key"] for item in listed["Contents"])
    assert keys == sorted(item["name"] for item in image.renditions)
    assert len(keys) == 6  # 480, 800, 900 wide; WebP and PNG
    body = client.get_object(Bucket="blog-media", Key=f"{image.folder}/900.png")["Body"].read()
    read_back = Image.open(io.BytesIO(body))
    assert read_back.size == (900, 300)
    assert read_back.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert image.largest().url == f"{endpoint}/blog-media/{image.folder}/900.png"


def test_the_bucket_comes_from_the_environment(monkeypatch):
    from config.env import media_storage

    assert media_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "blog-media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("AWS_S3_CUSTOM_DOMAIN", "cdn.example.org")
    storage = media_storage()
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "blog-media"
    assert storage["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert storage["OPTIONS"]["custom_domain"] == "cdn.example.org"
    assert storage["OPTIONS"]["querystring_auth"] is False
