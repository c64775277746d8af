"""What a task page shows beside the form, per process: the item, the case. Domains register a provider."""
_providers = {}  # process key -> fn(task row) -> template context with "subject_template"


def register(process_key, provider):
    _providers[process_key] = provider


def context_for(row):
    provider = _providers.get(row.process_key)
    return provider(row) if provider else {}
