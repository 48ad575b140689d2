from django.apps import AppConfig


class WebConfig(AppConfig):
    """The shared layout, styles, home page and form validators of the web UI."""

    name = "avstem.web"
    label = "web"
