from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from . import selectors


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def home(request):
    return render(request, "home.html", {"figures": selectors.headline_figures()})
