"""Public pages: home with search, the 人才需求目录 and the expert directory (public fields only)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .. import domain, selectors
from ..choices import Status
from ..models import Demand, Discipline, Division, Industry, Occupation
from .forms import SearchForm

PAGE_SIZE = 20


def _search(request):
    form = SearchForm(request.GET or None)
    params = form.cleaned_data if form.is_valid() else {}
    mode = params.get("mode") or None
    demands = selectors.demand_catalogue(q=params.get("q", ""), city=params.get("city") or None, industry=params.get("industry") or None,
                                         discipline=params.get("discipline") or None, modes=[mode] if mode else None)
    experts = selectors.public_expert_directory(q=params.get("q", ""), division=params.get("city") or None, industry=params.get("industry") or None,
                                                discipline=params.get("discipline") or None, modes=[mode] if mode else None)
    return form, demands, experts


def _page(request, qs):
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def home(request):
    form, demands, experts = _search(request)
    searched = form.is_bound
    return render(request, "portal/home.html", {
        "form": form, "searched": searched, "figures": selectors.region_figures(),
        "demands": demands.prefetch_related("disciplines")[:10], "demand_count": demands.count(),
        "experts": experts.prefetch_related("disciplines", "served_cities")[:10], "expert_count": experts.count(),
        "query": _query_without_page(request),
    })


def demand_catalogue(request):
    form, demands, _experts = _search(request)
    return render(request, "portal/demand_catalogue.html", {"form": form, "page": _page(request, demands.prefetch_related("disciplines")), "query": _query_without_page(request)})


def expert_directory(request):
    form, _demands, experts = _search(request)
    return render(request, "portal/expert_directory.html", {"form": form, "page": _page(request, experts.prefetch_related("disciplines", "industries", "served_cities")), "query": _query_without_page(request)})


def demand_detail(request, pk: int):
    demand = get_object_or_404(Demand.objects.select_related("organisation", "industry", "city", "occupation").prefetch_related("disciplines"), pk=pk)
    if demand.status != Status.PUBLISHED:
        raise Http404
    return render(request, "portal/demand_detail.html", {"demand": demand, "modes": domain.labels(domain.SHARING_MODES)})


def expert_public(request, pk: int):
    expert = selectors.public_expert_directory().filter(pk=pk).prefetch_related("disciplines", "industries", "served_cities").first()
    if expert is None:
        raise Http404
    return render(request, "portal/expert_public.html", {"expert": expert})


CODE_KINDS = {
    "division": (Division, {}),
    "hebei": (Division, {"region": domain.DEMAND_REGION}),
    "industry": (Industry, {}),
    "discipline": (Discipline, {}),
    "occupation": (Occupation, {}),
}


@require_GET
def codes(request, kind: str):
    """JSON autocomplete over a reference code tree: ``?q=保定`` → ``{"results": [{code, name, context}]}``."""
    if kind not in CODE_KINDS:
        raise Http404
    model, extra = CODE_KINDS[kind]
    q = request.GET.get("q", "")[:50]
    results = selectors.code_search(model, q=q, **extra)
    response = JsonResponse({"kind": kind, "q": q, "results": results}, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=3600"
    return response
