from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.db import transaction
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "京津冀人才共享平台 管理后台"
admin.site.site_title = "jjjtalent"
admin.site.index_title = "人才资源库管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("jjjtalent.api")),
    path("api/schema/", transaction.non_atomic_requests(SpectacularAPIView.as_view()), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("services/", include("services.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("registry.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
