"""The partner REST API, version 1: each app contributes its routes under /api/v1/."""

from django.urls import include, path

urlpatterns = [
    path("", include("registry.api_urls")),
]
