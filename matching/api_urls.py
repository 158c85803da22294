from django.urls import path

from . import apis

urlpatterns = [
    path("demands/<int:pk>/recommendations/", apis.DemandRecommendationsApi.as_view(), name="api-demand-recommendations"),
    path("demands/<int:pk>/invitations/", apis.DemandInvitationsApi.as_view(), name="api-demand-invitations"),
    path("invitations/", apis.InvitationCreateApi.as_view(), name="api-invitations"),
    path("organisations/<int:pk>/engagements/", apis.OrganisationEngagementsApi.as_view(), name="api-organisation-engagements"),
]
