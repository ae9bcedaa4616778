"""Why a file, or some of its rows, could not be imported."""

from kyodo.services import DomainError
from projects.imports.rows import Preview


class ImportRefused(DomainError):
    """The file as a whole cannot be read as a list of projects; the message says why."""


class ImportHasProblems(DomainError):
    """Some rows have problems, so nothing was imported; the preview lists them."""

    def __init__(self, preview: Preview):
        self.preview = preview
        super().__init__(f"{len(preview.problem_rows)}行に問題があるため、取り込みませんでした。")
