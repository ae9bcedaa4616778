from django.urls import path

from projects.views import agreements as av
from projects.views import imports as import_views
from projects.views import project as views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("export.<str:fmt>", views.project_export, name="export"),
    path("import/", import_views.project_import, name="import"),
    path("import/confirm/", import_views.project_import_confirm, name="import_confirm"),
    path("import/template.xlsx", import_views.project_import_template, name="import_template"),
    path("new/", views.project_choose_form, name="choose_form"),
    path("new/<str:form_code>/", views.project_create, name="create"),
    path("detail-fields/", views.project_detail_fields, name="detail_fields"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/archive/", views.project_archive, name="archive"),
    path("<int:pk>/restore/", views.project_restore, name="restore"),
    path("<int:pk>/partners/add/", views.project_partner_add, name="partner_add"),
    path(
        "<int:pk>/partners/<int:link_pk>/remove/",
        views.project_partner_remove,
        name="partner_remove",
    ),
    path("<int:pk>/comments/", views.project_comment, name="comment"),
    path("<int:pk>/eligibility/", views.project_eligibility, name="eligibility"),
    path("<int:pk>/disclosure/", views.project_disclosure, name="disclosure"),
    path("<int:pk>/transition/<str:name>/", views.project_transition, name="transition"),
    path("<int:pk>/agreement/", av.agreement_detail, name="agreement"),
    path("<int:pk>/agreement/start/", av.agreement_start, name="agreement_start"),
    path("<int:pk>/agreement/amend/", av.agreement_amend, name="agreement_amend"),
    path("<int:pk>/agreement/compare/", av.agreement_compare, name="agreement_compare"),
    path("<int:pk>/agreement.pdf", av.agreement_pdf, name="agreement_pdf"),
    path("<int:pk>/agreement/v<int:number>/edit/", av.agreement_edit, name="agreement_edit"),
    path("<int:pk>/agreement/v<int:number>/freeze/", av.agreement_freeze, name="agreement_freeze"),
    path(
        "<int:pk>/agreement/v<int:number>/unfreeze/",
        av.agreement_unfreeze,
        name="agreement_unfreeze",
    ),
    path(
        "<int:pk>/agreement/v<int:number>/confirm/", av.agreement_confirm, name="agreement_confirm"
    ),
    path(
        "<int:pk>/agreement/v<int:number>.pdf",
        av.agreement_version_pdf,
        name="agreement_version_pdf",
    ),
    path(
        "<int:pk>/agreement/v<int:number>/comments/",
        av.agreement_comment,
        name="agreement_comment",
    ),
    path(
        "<int:pk>/agreement/v<int:number>/comments/toggle/",
        av.agreement_comments_toggle,
        name="agreement_comments_toggle",
    ),
    path("<int:pk>/consultations/", av.consultations, name="consultations"),
    path(
        "<int:pk>/consultations/follow-ups/<int:follow_up_pk>/done/",
        av.follow_up_done,
        name="follow_up_done",
    ),
]
