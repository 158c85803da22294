from django.urls import path

from . import apis

urlpatterns = [
    path("service-items/", apis.ServiceItemListApi.as_view(), name="api-service-items"),
    path("service-items/<str:code>/", apis.ServiceItemDetailApi.as_view(), name="api-service-item"),
    path("service-applications/", apis.ApplicationListApi.as_view(), name="api-service-applications"),
    path("service-applications/<str:number>/", apis.ApplicationDetailApi.as_view(), name="api-service-application"),
    path("talent-cards/verify/", apis.TalentCardVerifyApi.as_view(), name="api-talent-card-verify"),
]
