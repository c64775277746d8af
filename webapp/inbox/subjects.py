"""What a task page shows beside the form, and what completing it says: the answers of the instance's domain
(`hooks.task_page`, `hooks.task_done`, connected from each domain's declaration)."""
from webapp.core import hooks


def context_for(row):
    return hooks.ask(hooks.task_page, row.process_key, row=row) or {}


def done_message(row):
    """What the person who just completed `row` is told: the domain's words, else "“<step>”已办理。"."""
    return hooks.ask(hooks.task_done, row.process_key, row=row) or f"“{row.step_label}”已办理。"
