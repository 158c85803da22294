"""The partner REST API, version 1: each app contributes its routes under /api/v1/ (before the last line)."""

from django.urls import include, path, re_path

from registry.apikit.views import not_found

urlpatterns = [
    path("", include("registry.api_urls")),
    path("", include("services.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("matching.api_urls")),
    # keep last: any other path under /api/v1/ is a problem-details 404, not an HTML page
    re_path(r"^[\s\S]*$", not_found),  # any path, one with a newline too
]
