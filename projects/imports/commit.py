"""Save the checked rows as completed projects, all of them or none."""

from dataclasses import dataclass

from django.db import transaction

from kyodo.models import Department, User
from partners.models import Partner
from partners.services import partner_create
from projects.imports.errors import ImportHasProblems
from projects.imports.rows import Sheet, check_sheet
from projects.models import Status
from projects.policy import spec_for
from projects.services.project import project_add_partner, project_create


@dataclass(frozen=True)
class ImportResult:
    created: int
    already_registered: int
    new_partners: list[str]


@transaction.atomic
def import_sheet(*, by: User, sheet: Sheet, source_name: str = "") -> ImportResult:
    """Save every new row as a completed project, or nothing if any row has a problem."""
    # Locking the departments makes two confirmations of the same list wait for each other,
    # so that the second sees the first's projects as registered instead of adding them again.
    list(Department.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    preview = check_sheet(sheet)
    if preview.problem_rows:
        raise ImportHasProblems(preview)
    created_partners: dict[str, Partner] = {}
    for row in preview.rows_to_import:
        for p in row.partners:
            if p.is_new and p.key not in created_partners:
                created_partners[p.key] = partner_create(
                    by=by, data={"name": p.name}, activity_fields=[]
                )
    reason = f"Excelから取り込み（{source_name[:60]}）" if source_name else "Excelから取り込み"
    for row in preview.rows_to_import:
        project = project_create(
            by=by,
            data={
                "title": row.title,
                "fiscal_year": row.fiscal_year,
                "department": row.department,
                "implementation_form": row.form,
                "purpose": row.purpose_or_default,
                "budget": row.budget,
                "start_date": row.start_date,
                "end_date": row.end_date,
                "status": Status.COMPLETED,
            },
            detail_data={},
            reason=reason,
        )
        role = spec_for(row.form).partner_role
        for p in row.partners:
            partner = p.partner or created_partners[p.key]
            project_add_partner(project=project, by=by, partner=partner, role=role)
    return ImportResult(
        created=len(preview.rows_to_import),
        already_registered=len(preview.registered_rows),
        new_partners=[p.name for p in created_partners.values()],
    )
