from django.urls import path

from . import apis

urlpatterns = [
    path("notifications/", apis.NotificationListApi.as_view(), name="api-notifications"),
    path("notifications/preferences/", apis.NotificationPreferencesApi.as_view(), name="api-notification-preferences"),
    path("notifications/<int:pk>/read/", apis.NotificationReadApi.as_view(), name="api-notification-read"),
]
