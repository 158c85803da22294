"""The straightforward version of the expert list, for the benchmark's side-by-side comparison only (mounted by
bench/urls_bench.py, never by the product): a plain ModelViewSet with nested ModelSerializers, filtering with
``registry.selectors.expert_list`` and page-number pagination (with its COUNT)."""

from __future__ import annotations

from django.http import JsonResponse
from rest_framework import pagination, permissions, serializers, viewsets

from registry import selectors
from registry.apikit.auth import ApiKeyAuthentication
from registry.models import Discipline, Division, Expert, Industry, Person


class PersonS(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["name", "gender", "birth_year"]


class DivisionS(serializers.ModelSerializer):
    class Meta:
        model = Division
        fields = ["code", "name", "level", "region"]


class IndustryS(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["code", "name", "level"]


class DisciplineS(serializers.ModelSerializer):
    class Meta:
        model = Discipline
        fields = ["code", "name"]


class NaiveExpertS(serializers.ModelSerializer):
    person = PersonS()
    home_division = DivisionS()
    industries = IndustryS(many=True)
    disciplines = DisciplineS(many=True)
    served_cities = DivisionS(many=True)
    sharing_modes = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Expert
        exclude = ["verified_by"]


class Page50(pagination.PageNumberPagination):
    page_size = 50


class NaiveExpertViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = NaiveExpertS
    pagination_class = Page50
    filter_backends: list = []

    def get_queryset(self):
        p = self.request.query_params
        return selectors.expert_list(division=p.get("division"), industry=p.get("industry"), min_title_level=p.get("min_title_level"))


def trivial(request):
    """A trivial JSON endpoint of the same server (no database, no DRF): the ceiling of the stack."""
    return JsonResponse({"status": "ok"})
