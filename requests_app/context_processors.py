import functools
import logging
import re

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext_noop

from .center import center_contact

logger = logging.getLogger(__name__)

DEFAULT_BRAND_COLOR = "#0b4f6c"
MIN_CONTRAST_ON_WHITE = 4.5  # WCAG 2.2 AA for normal text: the colour is used for text and buttons on white

# The default opening hours, so translators see them; other hours from the environment stay as written.
gettext_noop("Monday to Friday, 8 am to 5 pm Eastern")


def center(request):
    """The center's name, contact details and identity (logo, brand colour), shown on every page."""
    color = brand_color(settings.CENTER_BRAND_COLOR)
    return {
        "center": {
            **center_contact(),
            "logo": logo_path(settings.CENTER_LOGO),
            "brand_color": color,
            "brand_rgb": ", ".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5)),
        }
    }


@functools.lru_cache(maxsize=4)  # settings do not change while running: check (and warn) once
def logo_path(path):
    """The logo's path under static/ if that file exists (a missing one would break every page), else ""."""
    if path and not finders.find(path):
        logger.warning("CENTER_LOGO %r is not a static file; showing the center's name alone", path)
        return ""
    return path


@functools.lru_cache(maxsize=4)
def brand_color(value):
    """The configured colour if it is a #rrggbb colour readable on white (4.5:1), else the default."""
    if re.fullmatch(r"#[0-9a-fA-F]{6}", value or "") and contrast_on_white(value) >= MIN_CONTRAST_ON_WHITE:
        return value.lower()
    logger.warning("CENTER_BRAND_COLOR %r is not #rrggbb with 4.5:1 contrast on white; using the default", value)
    return DEFAULT_BRAND_COLOR


def contrast_on_white(hex_color):
    """WCAG contrast ratio of a #rrggbb colour against white."""

    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)
