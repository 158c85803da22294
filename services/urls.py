from django.urls import path

from . import views

app_name = "services"
urlpatterns = [
    path("talent-card/public-key.pem", views.talent_card_public_key, name="talent-card-public-key"),
]
