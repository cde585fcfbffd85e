"""Project-level views that belong to no domain: health probes and the server-error page."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache

from requests_app.context_processors import brand_color, center

from . import readiness


@never_cache
def healthz(request):
    """Liveness for load balancers and the benchmark's baseline: no database, no template."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: 200 when every dependency answers, else 503; the body names components, nothing more."""
    results = readiness.check()
    body = "".join(f"{name} {'ok' if ready else 'fail'}\n" for name, ready in results.items())
    return HttpResponse(body, content_type="text/plain", status=200 if all(results.values()) else 503)


def server_error(request):
    """The 500 page, rendered without the request: no context processor may touch the session or the
    database, which may be what failed. The active language (the family's, when set) still applies."""
    return HttpResponseServerError(render_to_string("500.html", center(request)))


def csrf_failure(request, reason=""):
    """A form's CSRF check failed (a page left open for hours, cookies off): say what to do, in the layout."""
    return render(request, "403_csrf.html", status=403)


def brand_css(request):
    """The center's colour as CSS custom properties: a stylesheet, so the pages need no inline style (CSP)."""
    color = brand_color(settings.CENTER_BRAND_COLOR)
    rgb = ", ".join(str(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    response = HttpResponse(f":root {{ --brand: {color}; --brand-rgb: {rgb}; }}\n", content_type="text/css")
    response["Cache-Control"] = "public, max-age=3600"
    return response
