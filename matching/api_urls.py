from django.urls import path

from . import apis

urlpatterns = [
    path("demands/<int:pk>/recommendations/", apis.DemandRecommendationsApi.as_view(), name="api-demand-recommendations"),
    path("demands/<int:pk>/invitations/", apis.DemandInvitationsApi.as_view(), name="api-demand-invitations"),
    path("invitations/", apis.InvitationCreateApi.as_view(), name="api-invitations"),
    path("invitations/<int:pk>/", apis.InvitationDetailApi.as_view(), name="api-invitation"),
    path("invitations/<int:pk>/answer/", apis.InvitationAnswerApi.as_view(), name="api-invitation-answer"),
    path("invitations/<int:pk>/withdraw/", apis.InvitationWithdrawApi.as_view(), name="api-invitation-withdraw"),
    path("engagements/<int:pk>/", apis.EngagementDetailApi.as_view(), name="api-engagement"),
    path("engagements/<int:pk>/complete/", apis.EngagementCompleteApi.as_view(), name="api-engagement-complete"),
    path("engagements/<int:pk>/terminate/", apis.EngagementTerminateApi.as_view(), name="api-engagement-terminate"),
    path("engagements/<int:pk>/ratings/", apis.EngagementRatingsApi.as_view(), name="api-engagement-ratings"),
    path("experts/<int:pk>/invitations/", apis.ExpertInvitationsApi.as_view(), name="api-expert-invitations"),
    path("experts/<int:pk>/engagements/", apis.ExpertEngagementsApi.as_view(), name="api-expert-engagements"),
    path("organisations/<int:pk>/engagements/", apis.OrganisationEngagementsApi.as_view(), name="api-organisation-engagements"),
]
