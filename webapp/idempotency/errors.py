"""What a creating request meets instead of creating: no key, a key used for something else, a repeat."""
from webapp.core.errors import FormInvalid

FIELD = "idempotency_key"  # the hidden input of every creating form; API clients send the header instead


class _KeyProblem(FormInvalid):
    """A FormInvalid, so a form's page shows itself again with what was typed and a fresh key."""

    def __init__(self, message):
        super().__init__({FIELD: [message]})
        self.message = message


class KeyMissing(_KeyProblem):
    status = 400
    code = "idempotency_key_missing"


class KeyReused(_KeyProblem):
    status = 422
    code = "idempotency_key_reused"


class Replayed(Exception):  # noqa: N818  (not an error: the answer is the first request's)
    """The key's request already ran: answer with its result (a redirect, or the API response as it was)."""

    def __init__(self, location, status, body):
        super().__init__(location or status)
        self.location, self.status, self.body = location, status, body
