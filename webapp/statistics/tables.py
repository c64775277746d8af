"""A report as one table object: the page renders it and the Excel export writes it, so both show the same."""
from dataclasses import dataclass, field


@dataclass
class Report:
    title: str
    columns: list
    rows: list                                  # plain cells, in column order
    links: list = field(default_factory=list)   # per row: the drill-down URL of its first cell, or None
    total: list | None = None
    note: str = ""

    def link(self, index):
        return self.links[index] if index < len(self.links) else None


def percent(part, whole):
    """A rate as shown: one decimal, or a dash when there is nothing to divide by."""
    return f"{part / whole * 100:.1f}%" if whole else "—"
