"""``{% upload_client areas %}``: the upload client's configuration and script, once per page."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script

from .. import uploads

register = template.Library()


@register.simple_tag(takes_context=True)
def upload_client(context, areas):
    """The one named json_script (#upload-config) the client reads, and the module that reads it."""
    config = uploads.client_config(list(areas), context.get("csrf_token", ""))
    return format_html(
        '{}<script type="module" src="{}"></script>',
        json_script(config, "upload-config"),
        static("js/uploads/records_step.js"),
    )
