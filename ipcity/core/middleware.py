from django.conf import settings
from django.utils import translation


class ChineseFirstLocaleMiddleware:
    """The UI is Chinese unless the user chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, so a clerk whose
    browser says en-US would get English. Here only the language cookie (set by the
    language switcher) changes the language; otherwise LANGUAGE_CODE (zh-hans) applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        translation.deactivate()
        return response
