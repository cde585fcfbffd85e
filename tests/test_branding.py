"""The family pages carry the center's identity from settings: name, logo file, one brand colour that stays readable."""

import pytest

from requests_app.context_processors import brand_color, contrast_on_white, logo_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_checks():
    brand_color.cache_clear()
    logo_path.cache_clear()
    yield
    brand_color.cache_clear()
    logo_path.cache_clear()


def test_name_logo_and_brand_colour_from_settings_appear_on_family_pages(client, settings):
    settings.CENTER_NAME = "Riverside Children's Cancer Center"
    settings.CENTER_LOGO = "img/center-logo-example.svg"
    settings.CENTER_BRAND_COLOR = "#6A1B9A"
    page = client.get("/").content.decode()
    assert "Riverside Children&#x27;s Cancer Center" in page
    assert '<img src="/static/img/center-logo-example.svg" alt="" class="site-logo">' in page
    assert '<link rel="stylesheet" href="/brand.css">' in page
    assert "--brand: #6a1b9a; --brand-rgb: 106, 27, 154;" in client.get("/brand.css").content.decode()


def test_a_brand_colour_below_4_5_to_1_on_white_falls_back_to_the_default(client, settings, caplog):
    settings.CENTER_BRAND_COLOR = "#FFB300"  # amber: about 1.9:1 on white
    assert "--brand: #0b4f6c;" in client.get("/brand.css").content.decode()
    assert "CENTER_BRAND_COLOR" in caplog.text
    assert contrast_on_white("#ffb300") < 4.5 <= contrast_on_white("#0b4f6c")


def test_a_missing_logo_file_shows_the_name_alone_instead_of_breaking_pages(client, settings):
    settings.CENTER_LOGO = "img/no-such-logo.png"
    response = client.get("/")
    assert response.status_code == 200
    assert "site-logo" not in response.content.decode()
