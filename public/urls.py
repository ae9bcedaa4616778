from django.urls import path

from public import views

app_name = "public"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("projects/<int:pk>/", views.project_detail, name="detail"),
    path("projects/<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("projects.<str:fmt>", views.open_data, name="open_data"),
]
