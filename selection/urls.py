from django.urls import path

from selection import views

app_name = "selection"

# Mounted at /projects/<pk>/selection/: a selection belongs to one project.
urlpatterns = [
    path("", views.overview, name="overview"),
    path("criteria/", views.criteria, name="criteria"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<int:reviewer_pk>/remove/", views.reviewer_remove, name="reviewer_remove"),
    path("candidates/new/", views.candidate_add, name="candidate_add"),
    path("candidates/<int:candidate_pk>/", views.candidate_detail, name="candidate"),
    path("files/<int:file_pk>/", views.proposal_file, name="file"),
    path("files/<int:file_pk>/archive/", views.proposal_file_archive, name="file_archive"),
    path("transition/<str:name>/", views.transition, name="transition"),
    path("scores/<int:reviewer_pk>/", views.score_sheet, name="score_sheet"),
    path("ranking/", views.ranking_page, name="ranking"),
    path("decide/", views.decide, name="decide"),
    path("record.pdf", views.record_pdf, name="pdf"),
]
