"""Errors a user can act on, raised by any layer; the web layer maps `status` to HTTP (and JSON `code`)."""


class AppError(Exception):
    status = 400
    code = "engine_error"

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details
        # Changes made before the error (e.g. a timer that fired on load) are still committed.
        self.keep_changes = details.pop("keep_changes", False)


class NotFound(AppError):
    status = 404
    code = "not_found"


class NotAllowed(AppError):
    status = 403
    code = "forbidden"


class TaskConflict(AppError):
    status = 409
    code = "conflict"


class FormInvalid(AppError):
    status = 422
    code = "invalid_form"

    def __init__(self, errors):
        super().__init__("表单填写有误，请检查标红的字段。", fields=errors)
        self.fields = errors
