from django.urls import path

from stats import views

app_name = "stats"

urlpatterns = [
    path("", views.stats_page, name="index"),
    path("export.<str:fmt>", views.stats_export, name="export"),
]
