from django.urls import path

from . import apis

urlpatterns = [
    path("service-items/", apis.ServiceItemListApi.as_view(), name="api-service-items"),
    path("service-items/<str:code>/", apis.ServiceItemDetailApi.as_view(), name="api-service-item"),
    path("service-applications/", apis.ApplicationListApi.as_view(), name="api-service-applications"),
    path("service-applications/<str:number>/", apis.ApplicationDetailApi.as_view(), name="api-service-application"),
    path("service-applications/<str:number>/accept/", apis.ApplicationAcceptApi.as_view(), name="api-service-application-accept"),
    path("service-applications/<str:number>/not-accept/", apis.ApplicationNotAcceptApi.as_view(), name="api-service-application-not-accept"),
    path("service-applications/<str:number>/correction/", apis.ApplicationCorrectionApi.as_view(), name="api-service-application-correction"),
    path("service-applications/<str:number>/supplement/", apis.ApplicationSupplementApi.as_view(), name="api-service-application-supplement"),
    path("service-applications/<str:number>/start-processing/", apis.ApplicationStartApi.as_view(), name="api-service-application-start"),
    path("service-applications/<str:number>/complete/", apis.ApplicationCompleteApi.as_view(), name="api-service-application-complete"),
    path("service-applications/<str:number>/refuse/", apis.ApplicationRefuseApi.as_view(), name="api-service-application-refuse"),
    path("service-applications/<str:number>/withdraw/", apis.ApplicationWithdrawApi.as_view(), name="api-service-application-withdraw"),
    path("service-applications/<str:number>/rating/", apis.ApplicationRatingApi.as_view(), name="api-service-application-rating"),
    path("talent-cards/", apis.TalentCardIssueApi.as_view(), name="api-talent-cards"),
    path("talent-cards/verify/", apis.TalentCardVerifyApi.as_view(), name="api-talent-card-verify"),
    path("talent-cards/<str:number>/", apis.TalentCardDetailApi.as_view(), name="api-talent-card"),
    path("talent-cards/<str:number>/renew/", apis.TalentCardRenewApi.as_view(), name="api-talent-card-renew"),
    path("talent-cards/<str:number>/suspend/", apis.TalentCardSuspendApi.as_view(), name="api-talent-card-suspend"),
    path("talent-cards/<str:number>/reinstate/", apis.TalentCardReinstateApi.as_view(), name="api-talent-card-reinstate"),
    path("talent-cards/<str:number>/revoke/", apis.TalentCardRevokeApi.as_view(), name="api-talent-card-revoke"),
]
