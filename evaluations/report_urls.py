from django.urls import path

from evaluations import views

app_name = "evaluation_report"

urlpatterns = [
    path("", views.report, name="index"),
    path("export.xlsx", views.report_export, name="export"),
]
