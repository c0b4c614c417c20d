"""Checking and normalising the work contact data of a local route.

Editors type phone numbers, e-mail addresses and websites in every style; routes store one
canonical form, so that lists look alike and links work. Bad input gives a Dutch message that
says what to fix.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit


class ContactError(ValueError):
    """A contact field is not valid; the message (Dutch) tells the editor what to fix."""


_PHONE_CHARS = re.compile(r"[\s\-().]")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_HOST = re.compile(r"([a-z0-9-]+\.)+[a-z]{2,}")
MAX_TEXT = 300
MAX_WEBSITE = 300


def phone(raw: str) -> str:
    """A Dutch phone number in the usual written form: "020 123 4567", "06 1234 5678",
    "0800 2000", "+32 ..." stays international."""
    ascii_digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in raw)
    digits = _PHONE_CHARS.sub("", ascii_digits.strip())  # "٠٦..." and "０６..." too
    if digits.startswith("0031"):
        digits = "0" + digits[4:]
    elif digits.startswith("+31"):
        digits = "0" + digits[3:]
    if digits.startswith("+"):
        if not digits[1:].isdigit() or not 8 <= len(digits) - 1 <= 15:
            raise ContactError("Dit telefoonnummer klopt niet. Gebruik bijvoorbeeld "
                               "+32 2 123 45 67.")
        return digits
    if not digits.isdigit():
        raise ContactError("Een telefoonnummer bestaat alleen uit cijfers, spaties en streepjes.")
    if len(digits) in (7, 8) and digits.startswith(("0800", "0900", "0906", "0909")):
        return f"{digits[:4]} {digits[4:]}"  # service numbers: 0800 2000, 0900 8844
    if len(digits) == 11 and digits.startswith(("0800", "0900")):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"  # 0900 111 3111
    if len(digits) == 3 and digits in ("112", "113"):
        return digits
    if len(digits) != 10 or not digits.startswith("0"):
        raise ContactError("Een Nederlands telefoonnummer heeft 10 cijfers, bijvoorbeeld "
                           "020 123 4567 of 06 1234 5678.")
    if digits.startswith("06"):
        return f"06 {digits[2:6]} {digits[6:]}"
    area = 3 if digits[:3] in _THREE_DIGIT_AREAS else 4
    rest = digits[area:]
    return f"{digits[:area]} {rest[:3]} {rest[3:]}" if area == 3 else f"{digits[:area]} {rest}"


# Dutch area codes with three digits (the rest have four).
_THREE_DIGIT_AREAS = frozenset({"010", "013", "015", "020", "023", "024", "026", "030", "033",
                                "035", "036", "038", "040", "043", "045", "046", "050", "053",
                                "055", "058", "070", "071", "072", "073", "074", "075", "076",
                                "077", "078", "079", "085", "088"})


def email(raw: str) -> str:
    value = raw.strip()
    if not _EMAIL.fullmatch(value) or len(value) > 254:
        raise ContactError("Dit e-mailadres klopt niet. Gebruik bijvoorbeeld "
                           "wijkteam@gemeente.nl.")
    local, _, domain = value.partition("@")
    return f"{local}@{domain.lower()}"


def website(raw: str) -> str:
    value = raw.strip()
    if len(value) > MAX_WEBSITE:  # it must fit in a preview message with everything else
        raise ContactError(f"Een webadres mag hoogstens {MAX_WEBSITE} tekens hebben.")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        hostname = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" taken for an IPv6 address
        hostname = None
    if hostname is None:
        raise ContactError("Dit webadres klopt niet. Gebruik bijvoorbeeld "
                           "www.gemeente.nl/wijkteam.")
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.hostname or ""):
        raise ContactError("Dit webadres klopt niet. Gebruik bijvoorbeeld "
                           "www.gemeente.nl/wijkteam.")
    if parts.username or parts.password:
        raise ContactError("Een webadres met een gebruikersnaam of wachtwoord kan niet.")
    path = parts.path if parts.path not in ("", "/") else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{parts.hostname}{path}{query}"


def text(raw: str, field: str, limit: int = MAX_TEXT) -> str:
    """Free text (organisation, hours, note): one line, trimmed, limited."""
    value = " ".join(raw.split())
    if len(value) > limit:
        raise ContactError(f"{field} mag hoogstens {limit} tekens hebben.")
    return value


@dataclass(frozen=True, slots=True)
class Contact:
    """How to reach a partner locally; at least one way must be given."""

    organisation: str
    phone: str = ""
    email: str = ""
    website: str = ""
    hours: str = ""

    @classmethod
    def checked(cls, organisation: str, phone_raw: str = "", email_raw: str = "",
                website_raw: str = "", hours: str = "") -> Contact:
        name = text(organisation, "De naam")
        if not name:
            raise ContactError("Geef de naam van de organisatie of functie.")
        contact = cls(name, phone(phone_raw) if phone_raw.strip() else "",
                      email(email_raw) if email_raw.strip() else "",
                      website(website_raw) if website_raw.strip() else "",
                      text(hours, "De openingstijden"))
        if not (contact.phone or contact.email or contact.website or contact.hours):
            raise ContactError("Geef minstens één manier om contact op te nemen: telefoon, "
                               "e-mail, website of inlooptijden.")
        return contact
