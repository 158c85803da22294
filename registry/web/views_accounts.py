"""Accounts: sign-up, throttled login, logout, password reset by e-mail."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from . import tokens
from .forms import LoginForm, SignupForm

NEXT_STEP = {
    "enterprise": "portal:org_register",
    "expert": "portal:expert_register",
    "graduate": "portal:graduate_register",
    "personal": "portal:dashboard",
}


class LoginView(auth_views.LoginView):
    """A logged-in person is sent on, except when a page sent them here for lacking access (``next`` given): then
    the page explains it, instead of bouncing between the two pages."""

    form_class = LoginForm
    template_name = "registration/login.html"

    def get(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.GET.get(self.redirect_field_name):
            return redirect("portal:dashboard")
        return super().get(request, *args, **kwargs)


def signup(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = ""
    if request.method == "POST":
        form = SignupForm(request.POST)
        token = request.POST.get(tokens.FIELD, "")
        previous = tokens.claim(token) if tokens.valid(token) else None
        if previous and previous != tokens.PENDING:
            return redirect(previous)
        if form.is_valid():
            with transaction.atomic():
                user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            url = next_url or reverse(NEXT_STEP[form.cleaned_data["role"]])
            if tokens.valid(token):
                tokens.complete(token, url)
            messages.success(request, _("注册成功，欢迎使用京津冀人才共享平台。"))
            return redirect(url)
        if tokens.valid(token):
            tokens.release(token)
    else:
        form = SignupForm(initial={"role": request.GET.get("role", "enterprise")})
    return render(request, "registration/signup.html", {"form": form, "next": next_url})


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
