"""A domain's one wiring point: its package's `__init__.py` declares a `Domain`, and `create_app` wires them all.

Everything is named by import path ("webapp.cases.views:bp"), resolved only when the app is wired, so declaring
a domain imports nothing and no package has to be imported for its side effects.
"""
from dataclasses import dataclass, field

from werkzeug.utils import import_string

from . import forms, hooks


@dataclass(frozen=True)
class Domain:
    name: str
    label: str  # what offices call it
    models: tuple = ()  # modules whose tables join the metadata
    blueprints: tuple = ()  # (blueprint, url prefix) pairs
    routes: tuple = ()  # modules that add routes to one of its blueprints (imported before it is registered)
    process_keys: dict = field(default_factory=dict)  # process key -> (inbox kind, kind when sent 特急)
    forms: str | None = None  # -> {form key: (schema class, check or None)} for the user tasks of its diagrams
    projectors: dict = field(default_factory=dict)  # process key -> fn(instance, data) keeping its own row
    task_pages: dict = field(default_factory=dict)  # process key -> fn(row) -> context beside the task form
    done_messages: dict = field(default_factory=dict)  # process key -> fn(row) -> flash after completing
    visibility: dict = field(default_factory=dict)  # process key -> fn(user, instance_id) -> bool
    links: dict = field(default_factory=dict)  # process key -> fn(instance_id) -> the instance's page
    page_extras: dict = field(default_factory=dict)  # another domain's page -> fn(obj, user) -> context it adds
    services: dict = field(default_factory=dict)  # ctx.<name> of handlers -> fn(instance_id) -> service
    handlers: tuple = ()  # modules of handlers for its diagrams' service tasks
    receivers: tuple = ()  # (signal name in core.hooks, receiver) pairs for platform events
    setup: str | None = None  # fn(app) for what is left: settings defaults, session listeners


class Registry:
    """The wired domains of this process, and what the rest of the app asks of them."""

    def __init__(self):
        self.domains = {}
        self.services = {}
        self.kinds = {}  # process key -> (kind, kind when sent 特急)
        self._keep = []  # blinker holds receivers weakly: keep the resolved functions alive

    def add(self, domain):
        self.domains[domain.name] = domain
        self.kinds.update(domain.process_keys)
        for name, path in domain.services.items():
            self.services[name] = import_string(path)

    def connect(self, signal, receiver, sender=None):
        self._keep.append(receiver)
        if sender is None:
            signal.connect(receiver, weak=False)
        else:
            signal.connect(receiver, sender=sender, weak=False)

    def services_for(self, instance_id):
        """What handlers see as `ctx.<name>` while a step of `instance_id` runs."""
        return {name: factory(instance_id) for name, factory in self.services.items()}

    def keys_of_kind(self, kind):
        """Process keys listed under `kind` in the inbox (信息 info, 批示件 case, 紧急信息 emergency)."""
        return sorted(key for key, (normal, _urgent) in self.kinds.items() if normal == kind)

    def keys_urgent_as(self, kind):
        """Process keys that count as `kind` when sent 特急 (an information report sent 特急 is 紧急信息)."""
        return sorted(key for key, (normal, urgent) in self.kinds.items() if urgent == kind and normal != kind)

    def kind_of(self, process_key, urgency):
        normal, urgent = self.kinds.get(process_key, (None, None))
        return urgent if urgency == "very_urgent" else normal


registry = Registry()


def wire(app, domain):
    """Bring one declared domain into the app: tables, routes, forms, receivers, services, handlers.

    Routes and settings are per app; receivers and services per process (tests create several apps).
    """
    for module in domain.models:
        import_string(module)
    for module in domain.routes:
        import_string(module)
    for blueprint, prefix in domain.blueprints:
        app.register_blueprint(import_string(blueprint), url_prefix=prefix or None)
    if domain.forms:
        for key, (schema, check) in import_string(domain.forms)().items():
            forms.register(key, schema, check)
    for module in domain.handlers:
        import_string(module)
    if domain.name not in registry.domains:
        for table, signal in ((domain.projectors, hooks.instance_projected), (domain.task_pages, hooks.task_page),
                              (domain.done_messages, hooks.task_done), (domain.visibility, hooks.instance_visible),
                              (domain.links, hooks.instance_link), (domain.page_extras, hooks.page_extras)):
            for key, path in table.items():
                registry.connect(signal, _adapt(signal, import_string(path)), sender=key)
        for signal_name, path in domain.receivers:
            registry.connect(getattr(hooks, signal_name), import_string(path))
        registry.add(domain)
    if domain.setup:
        import_string(domain.setup)(app)


def _adapt(signal, fn):
    """Receivers are called as fn(sender, **kwargs); a domain's functions take only what they need."""
    if signal is hooks.instance_projected:
        return lambda _key, instance, data: fn(instance, data)
    if signal in (hooks.task_page, hooks.task_done):
        return lambda _key, row: fn(row)
    if signal is hooks.page_extras:
        return lambda _page, obj, user: fn(obj, user)
    if signal is hooks.instance_visible:
        return lambda _key, user, instance_id: fn(user, instance_id)
    return lambda _key, instance_id: fn(instance_id)
