"""What a task page shows beside the form, and what completing it says, per process. Domains register providers."""
_providers = {}  # process key -> fn(task row) -> template context with "subject_template"
_done_messages = {}  # process key -> fn(completed task row) -> what the flash says, or None for the usual words


def register(process_key, provider):
    _providers[process_key] = provider


def context_for(row):
    provider = _providers.get(row.process_key)
    return provider(row) if provider else {}


def register_done_message(process_key, message):
    _done_messages[process_key] = message


def done_message(row):
    """What the person who just completed `row` is told: the domain's words, else "“<step>”已办理，" and where the
    work went (webapp/inbox/next_steps.py)."""
    message = _done_messages.get(row.process_key)
    if domain := (message(row) if message else None):
        return domain
    from .next_steps import where_it_went

    went = where_it_went(row)
    return f"“{row.step_label}”已办理{'，' + went if went else ''}。"
