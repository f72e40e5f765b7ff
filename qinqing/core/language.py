"""Chinese first: the interface is zh-hans unless the user chose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an English-configured
browser on a government intranet would get English without asking; the chosen language (the cookie set
by /i18n/setlang/) still wins.
"""

from __future__ import annotations


class ChineseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
