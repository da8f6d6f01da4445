from django.urls import path

from outbox import views

app_name = "outbox"

urlpatterns = [
    path("email/confirm/<str:token>/", views.confirm_address, name="confirm"),
]
