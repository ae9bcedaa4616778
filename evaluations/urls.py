from django.urls import path

from evaluations import views

app_name = "evaluations"

# Mounted at /projects/<pk>/evaluation/: the evaluation of one project.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("city/", views.city_evaluation, name="city"),
    path("partner/<int:partner_pk>/", views.partner_evaluation, name="partner"),
    path("results/", views.results, name="results"),
    path("survey/", views.survey, name="survey"),
    path("compare/", views.compare, name="compare"),
    path("decision/", views.decision, name="decision"),
]
