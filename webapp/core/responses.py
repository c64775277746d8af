"""Answers in Chinese HTML for people and JSON for API clients: the one place that decides which."""
from flask import jsonify, render_template, request

HTTP_MESSAGES = {
    400: "请求有误。",
    401: "未登录或访问令牌无效。",
    403: "您无权访问此页面。",
    404: "页面不存在或您无权查看。",
    405: "不支持的请求方式。",
    409: "操作冲突，请刷新后重试。",
    412: "内容已变化，请重新读取后再提交。",
    413: "提交的内容过大。",
    415: "不支持的内容类型。",
    422: "提交的内容有误。",
    429: "请求过于频繁，请稍后再试。",
    500: "系统内部错误，已记录，请稍后重试。",
}


def wants_json():
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def problem(status, message, code, **details):
    """An error of /api/v1 as RFC 9457 problem details: a Chinese title for the status, the message as detail."""
    body = {"type": f"https://govflow.cn/problems/{code}", "title": HTTP_MESSAGES.get(status, "请求有误。"),
            "status": status, "detail": message, "code": code, **details}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def respond(status, message, code, **details):
    if request.path.startswith("/api/v1/"):
        return problem(status, message, code, **details)
    if wants_json():
        return jsonify(error=code, message=message, **details), status
    return render_template("errors/error.html", status=status, message=message, details=details), status
