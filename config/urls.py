from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dashboard import views
from evaluations.views import survey_answer
from kyodo.login_forms import LoginForm
from projects.views.project import review_queue

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("projects/", include("projects.urls")),
    path("projects/<int:pk>/selection/", include("selection.urls")),
    path("projects/<int:pk>/evaluation/", include("evaluations.urls")),
    path("evaluations/", include("evaluations.report_urls")),
    path("survey/<str:token>/", survey_answer, name="survey"),
    path("stats/", include("stats.urls")),
    path("public/", include("public.urls")),
    path("partners/", include("partners.urls")),
    path("review/", review_queue, name="review"),
    path("admin/", admin.site.urls),
]
