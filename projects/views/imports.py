"""Import of past projects from Excel: upload → preview → confirm. The work is in imports.py."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kyodo.downloads import xlsx_response
from kyodo.services import DomainError
from projects import imports
from projects.forms.project import ImportForm

# A user rarely has more than one preview open; older files are dropped with their token.
_KEPT_PER_SESSION = 5


def _require_import_perm(request) -> None:
    if not request.user.has_perm("projects.import_projects"):
        raise PermissionDenied


def _remember(request, token: str, name: str) -> None:
    kept = dict(request.session.get(imports.SESSION_KEY, {}))
    kept[token] = name
    while len(kept) > _KEPT_PER_SESSION:
        oldest = next(iter(kept))
        imports.discard(oldest)
        del kept[oldest]
    request.session[imports.SESSION_KEY] = kept


def _forget(request, token: str) -> None:
    kept = dict(request.session.get(imports.SESSION_KEY, {}))
    kept.pop(token, None)
    request.session[imports.SESSION_KEY] = kept


def _upload_page(request, refusals: list[str] | None = None):
    return render(
        request,
        "projects/import.html",
        {"form": ImportForm(), "refusals": refusals, "columns": imports.COLUMNS},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request):
    _require_import_perm(request)
    if request.method == "GET":
        return _upload_page(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, [e for errors in form.errors.values() for e in errors])
    upload = form.cleaned_data["file"]
    token = imports.store_upload(upload)
    try:
        sheet = imports.read_sheet(imports.stored_file(token))
    except imports.ImportRefused as exc:
        imports.discard(token)
        return _upload_page(request, [str(exc)])
    name = PurePath(upload.name or "").name[:100]
    _remember(request, token, name)
    return _preview_page(request, imports.check_sheet(sheet), token, name)


def _preview_page(request, preview: imports.Preview, token: str, name: str):
    return render(
        request,
        "projects/import_preview.html",
        {"preview": preview, "token": token, "file_name": name, "columns": imports.COLUMNS},
    )


@login_required
@require_POST
def project_import_confirm(request):
    _require_import_perm(request)
    token = request.POST.get("token", "")
    kept = request.session.get(imports.SESSION_KEY, {})
    if token not in kept:
        # Another user's token, a forged one, or one already used: all look the same here.
        messages.error(
            request, "取り込むファイルが見つかりません。もう一度アップロードしてください。"
        )
        return redirect("projects:import")
    try:
        result = imports.import_stored(by=request.user, token=token, source_name=kept[token])
    except imports.ImportHasProblems as exc:
        messages.error(request, str(exc))
        return _preview_page(request, exc.preview, token, kept[token])
    except (imports.ImportRefused, DomainError) as exc:
        _forget(request, token)
        messages.error(request, str(exc))
        return redirect("projects:import")
    _forget(request, token)
    if result.created:
        text = f"{result.created}件の事業を取り込みました。"
    else:
        text = "取り込む事業はありませんでした。"
    if result.already_registered:
        text += f"登録済みの{result.already_registered}件は取り込んでいません。"
    if result.new_partners:
        text += f"パートナー名簿に{len(result.new_partners)}団体を新しく登録しました。"
    messages.success(request, text)
    return redirect("projects:list")


@login_required
@require_GET
def project_import_template(request):
    _require_import_perm(request)
    return xlsx_response("kyodo-import-template.xlsx", imports.template_xlsx())
