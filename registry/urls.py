from django.urls import include, path

from . import views
from .web import views_public

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("", views_public.home, name="home"),
    path("", include("registry.web.urls")),
]
