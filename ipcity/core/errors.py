"""Error pages in Chinese with the portal's layout (templates/403.html, 404.html, 500.html).

A 403 or 404 shows the reason when it was written for users (a Chinese message such as
"只有领导小组办公室可以审核填报。"), never Django's English internals. The 500 page is
first rendered with the request (navigation for the logged-in user); when that fails too
(the database is down, the session cannot be read), without any context, and as a last
resort as a fixed string, so a server error never becomes a second one.
"""

import logging
import re

from django.http import HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)

_CJK = re.compile(r"[\u4e00-\u9fff]")
_LAST_RESORT = (
    '<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>服务器错误 · ipcity</title>'
    '<h1>服务器错误</h1><p>系统暂时无法处理您的请求,已记录错误。请稍后再试。</p><p><a href="/">返回首页</a></p></html>'
)


def user_message(exception) -> str:
    """The exception's text when it was written for users (Chinese), else ''."""
    text = str(exception.args[0]) if exception is not None and getattr(exception, "args", None) else ""
    return text if _CJK.search(text) else ""


def permission_denied(request, exception=None):
    template = loader.get_template("403.html")
    return HttpResponseForbidden(template.render({"reason": user_message(exception)}, request))


def page_not_found(request, exception=None):
    template = loader.get_template("404.html")
    context = {"reason": user_message(exception), "request_path": request.path}
    return HttpResponseNotFound(template.render(context, request))


def server_error(request):
    try:
        return HttpResponseServerError(loader.get_template("500.html").render({}, request))
    except Exception:  # noqa: BLE001 - whatever broke the request may break the layout too
        log.warning("500 page with the request context failed; rendering it without", exc_info=True)
    try:
        return HttpResponseServerError(loader.get_template("500.html").render({}))
    except Exception:  # noqa: BLE001
        log.exception("500 page could not be rendered at all")
    return HttpResponseServerError(_LAST_RESORT)
