"""A readable name for a signed-in device, from its User-Agent ("Firefox 120 on Linux")."""
from functools import lru_cache

from flask_babel import gettext as _


@lru_cache(maxsize=1024)
def _parse(user_agent):
    # ua-parser (uap-core's rules) compiles its rules on first use: about half a second once
    # per worker, paid by the first profile page, never by log-in.
    from ua_parser import parse

    result = parse(user_agent)
    browser = result.user_agent
    system = result.os
    name = browser.family if browser and browser.family != "Other" else None
    if name and browser.major:
        name = f"{name} {browser.major}"
    system_name = system.family if system and system.family != "Other" else None
    return name, system_name


def describe_device(user_agent):
    """``"Firefox 120 on Linux"``; what is unknown is said so."""
    browser, system = _parse((user_agent or "")[:512])
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    if browser or system:
        return browser or system
    return _("Unknown browser")
