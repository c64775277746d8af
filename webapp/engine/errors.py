"""Engine errors a user can act on; the web layer maps `status` to HTTP."""


class EngineError(Exception):
    status = 400
    code = "engine_error"

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details
        # Changes made before the error (e.g. a timer that fired on load) are still committed.
        self.keep_changes = details.pop("keep_changes", False)


class NotFound(EngineError):
    status = 404
    code = "not_found"


class NotAllowed(EngineError):
    status = 403
    code = "forbidden"


class TaskConflict(EngineError):
    status = 409
    code = "conflict"


class FormInvalid(EngineError):
    status = 422
    code = "invalid_form"

    def __init__(self, errors):
        super().__init__("表单填写有误，请检查标红的字段。", fields=errors)
        self.fields = errors
