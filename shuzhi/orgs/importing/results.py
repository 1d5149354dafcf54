"""What an import reports: its problems (sheet, row, column, reason), its refusals and its counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportProblem:
    """One reason a file cannot be imported: where (sheet, Excel row number, column header) and why.

    row is None and column empty for problems that concern a whole sheet."""

    sheet: str
    row: int | None
    column: str
    message: str


class ImportFileError(Exception):
    """The file as a whole cannot be read as an import file. Nothing was written."""

    def __init__(self, message: str, problems: Sequence[ImportProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class ImportRejected(Exception):
    """At least one row has a problem, so nothing was written."""

    def __init__(self, problems: Sequence[ImportProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = list(problems)


@dataclass
class ImportSummary:
    """What an import did. Every count is a number of rows of the file (accounts: of new logins)."""

    file_name: str = ""
    orgs_created: int = 0
    orgs_updated: int = 0
    orgs_unchanged: int = 0
    people_created: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    positions_created: int = 0
    positions_ended: int = 0
    positions_unchanged: int = 0
    accounts_created: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.orgs_created
            or self.orgs_updated
            or self.people_created
            or self.people_updated
            or self.positions_created
            or self.positions_ended
        )

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


@dataclass
class ImportResult:
    """The outcome of run_import(): exactly one of file_error, problems or summary is set."""

    file_error: str | None = None
    problems: list[ImportProblem] = field(default_factory=list)
    summary: ImportSummary | None = None

    @property
    def ok(self) -> bool:
        return self.summary is not None
