from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import (
    views_accounts,
    views_enterprise,
    views_matching,
    views_people,
    views_public,
    views_services,
    views_staff,
)

portal_patterns = [
    path("demands/", views_public.demand_catalogue, name="demand_catalogue"),
    path("demands/<int:pk>/", views_public.demand_detail, name="demand_detail"),
    path("experts/", views_public.expert_directory, name="expert_directory"),
    path("experts/<int:pk>/", views_public.expert_public, name="expert_public"),
    path("portal/", views_people.dashboard, name="dashboard"),
    path("portal/codes/<slug:kind>/", views_public.codes, name="codes"),
    path("portal/org/", views_enterprise.org_home, name="org_home"),
    path("portal/org/register/", views_enterprise.org_register, name="org_register"),
    path("portal/demands/new/", views_enterprise.demand_create, name="demand_create"),
    path("portal/demands/<int:pk>/", views_enterprise.demand_manage, name="demand_manage"),
    path("portal/demands/<int:pk>/edit/", views_enterprise.demand_edit, name="demand_edit"),
    path("portal/demands/<int:pk>/status/", views_enterprise.demand_transition, name="demand_transition"),
    path("portal/demands/<int:pk>/experts/", views_matching.demand_experts, name="demand_experts"),
    path("portal/engagements/", views_matching.engagements, name="engagements"),
    path("portal/expert/inbox/", views_matching.expert_inbox, name="expert_inbox"),
    path("portal/expert/recommended/", views_matching.expert_recommended, name="expert_recommended"),
    path("portal/expert/teams/", views_matching.expert_teams, name="expert_teams"),
    path("portal/expert/teams/<int:pk>/", views_matching.team_confirm, name="team_confirm"),
    path("portal/graduate/positions/", views_matching.graduate_positions, name="graduate_positions"),
    path("portal/expert/register/", views_people.expert_register, name="expert_register"),
    path("portal/expert/", views_people.expert_profile, name="expert_profile"),
    path("portal/graduate/register/", views_people.graduate_register, name="graduate_register"),
    path("portal/graduate/", views_people.graduate_profile, name="graduate_profile"),
    path("portal/consents/", views_people.consent_update, name="consent_update"),
    path("portal/talent/", views_people.talent_home, name="talent_home"),
    path("portal/services/", views_services.catalogue, name="services_catalogue"),
    path("portal/services/<str:code>/", views_services.item_detail, name="service_item"),
    path("portal/services/<str:code>/apply/", views_services.apply, name="service_apply"),
    path("portal/applications/", views_services.my_applications, name="applications"),
    path("portal/applications/<int:pk>/", views_services.application_detail, name="application_detail"),
    path("portal/applications/<int:pk>/materials/<int:material_pk>/", views_services.material_file, name="application_material"),
    path("portal/applications/<int:pk>/result/", views_services.result_file, name="application_result"),
    path("portal/recognitions/", views_services.recognitions, name="recognitions"),
    path("portal/card/", views_services.talent_card, name="talent_card"),
    path("staff/", views_staff.staff_queue, name="staff_queue"),
    path("staff/applications/", views_services.staff_applications, name="staff_applications"),
    path("staff/applications/<int:pk>/", views_services.staff_application, name="staff_application"),
    path("staff/recognitions/", views_services.staff_recognitions, name="staff_recognitions"),
    path("staff/act/<slug:kind>/<int:pk>/", views_staff.staff_act, name="staff_act"),
]

# Django's auth views reverse these names without a namespace.
account_patterns = [
    path("accounts/login/", views_accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/register/", views_accounts.signup, name="signup"),
    path("accounts/password_reset/", views_accounts.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [*account_patterns, path("", include((portal_patterns, "portal")))]
