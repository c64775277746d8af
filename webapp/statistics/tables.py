"""How report cells show figures (the page and the Excel export write the same text)."""


def percent(part, whole):
    """A rate as shown: one decimal, or a dash when there is nothing to divide by."""
    return f"{part / whole * 100:.1f}%" if whole else "—"
