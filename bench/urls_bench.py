"""The product's URLs plus the benchmark's two comparison endpoints."""

from django.urls import path

from jjjtalent.urls import urlpatterns as product

from .api_naive import NaiveExpertViewSet, trivial

urlpatterns = [
    path("bench/trivial/", trivial),
    path("bench/naive/experts/", NaiveExpertViewSet.as_view({"get": "list"})),
    *product,
]
