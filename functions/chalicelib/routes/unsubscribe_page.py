"""The page a person gets from the unsubscribe link of an e-mail (``GET /unsubscribe?token=``): answered
by the API itself, since the one-click link must work without the site. It is self-contained, in the
site's look: its stylesheet is inline in one ``<style>`` element that the page's own CSP allows by its
SHA-256 hash (no other style, no script, nothing fetched). Swedish or English (``lang``, else the
customer's language, else the browser's), with a link to the other; the clinic named from the clinic file.
"""

from __future__ import annotations

import base64
import hashlib
import html
import urllib.parse

from ..core import clinic as clinic_module
from ..core import settings

# The site's colours and fonts (site/assets/css/site.css); contrast as there (text 14:1, muted 7:1, button 8:1).
STYLE = """
:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;flex-direction:column;background:#fbf7f2;color:#2e2622;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;
font-size:1.0625rem;line-height:1.6}
header,main,footer{width:100%;max-width:40rem;margin:0 auto;padding:1rem 1.25rem}
header{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:baseline;gap:.5rem 1rem;
border-bottom:1px solid #d9c9bd}
.name{margin:0;font-family:"Iowan Old Style","Palatino Linotype",Palatino,"Book Antiqua",Georgia,serif;
font-size:1.5rem;color:#5c2c24}
.owner{display:block;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;font-size:.85rem;
color:#5d5049}
main{flex:1 0 auto}
h1{font-family:"Iowan Old Style","Palatino Linotype",Palatino,"Book Antiqua",Georgia,serif;font-weight:700;
color:#5c2c24;font-size:1.8rem;line-height:1.25;margin:1.5rem 0 1rem}
a{color:#7a3e34}
a:hover{color:#5c2c24}
:focus-visible{outline:3px solid #1d4f7a;outline-offset:2px}
.card{background:#fff;border:1px solid #d9c9bd;border-radius:.5rem;padding:1.25rem}
.card p{margin:0 0 1rem}
.card p:last-child{margin-bottom:0}
button{font:inherit;font-weight:700;color:#fff;background:#7a3e34;border:2px solid #7a3e34;border-radius:2rem;
padding:.6rem 1.4rem;min-height:2.75rem;cursor:pointer}
button:hover{background:#5c2c24;border-color:#5c2c24}
.muted{color:#5d5049}
footer{border-top:1px solid #d9c9bd;color:#5d5049;font-size:.95rem}
footer p{margin:.25rem 0}
"""
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")

TEXT = {
    "sv": {"title": "Avsluta erbjudanden", "ask": "Vill du sluta få erbjudanden och nyheter från oss via e-post och sms?",
           "button": "Ja, avsluta alla erbjudanden",
           "kept": "Bekräftelser och påminnelser om dina bokningar får du som vanligt.",
           "done": "Klart. Du får inga fler erbjudanden från oss.",
           "again": "Ångrar du dig kan du välja utskick igen på sidan Utskick, med länken i något av våra meddelanden.",
           "invalid": "Länken är ogiltig eller har ersatts av en nyare. Använd länken i ditt senaste meddelande från oss, "
                      "eller ring oss på {phone}.",
           "other": "In English", "site": "Till webbplatsen", "owner": "{organisation}, Östersund"},
    "en": {"title": "Stop offers", "ask": "Do you want to stop getting offers and news from us by e-mail and SMS?",
           "button": "Yes, stop all offers",
           "kept": "You still get the confirmations and reminders of your bookings.",
           "done": "Done. You will get no more offers from us.",
           "again": "Changed your mind? Choose your messages again on the Messages page, with the link in any of our "
                    "messages.",
           "invalid": "The link is invalid or has been replaced by a newer one. Use the link in your latest message from "
                      "us, or call us on {phone}.",
           "other": "På svenska", "site": "To the website", "owner": "{organisation}, Östersund"},
}


def language_of(asked: str | None, customer_language: str | None, browser: str) -> str:
    """``lang`` from the link when it is one of ours, else the customer's, else the browser's."""
    for choice in (asked, customer_language, browser):
        if choice in ("sv", "en"):
            return choice
    return "sv"


def page(language: str, *, done: bool, token: str, valid: bool) -> str:
    """The whole HTML document; every value escaped."""
    lang = "en" if language == "en" else "sv"
    t = TEXT[lang]
    about = clinic_module.current()
    e = html.escape
    query = urllib.parse.urlencode({"token": token, "lang": lang})
    other = urllib.parse.urlencode({"token": token, "lang": "sv" if lang == "en" else "en"})
    if not valid:
        content = f'<p>{e(t["invalid"].format(phone=about.phone))}</p>'
    elif done:
        content = f'<p role="status">{e(t["done"])}</p><p>{e(t["kept"])}</p><p class="muted">{e(t["again"])}</p>'
    else:
        content = (f'<p>{e(t["ask"])}</p><p class="muted">{e(t["kept"])}</p>'
                   f'<form method="post" action="?{e(query, quote=True)}">'
                   '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
                   f'<button type="submit">{e(t["button"])}</button></form>')
    site = settings.get().site_url.rstrip("/") + ("/en/" if lang == "en" else "/")
    return (
        f'<!doctype html><html lang="{lang}" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f'<title>{e(t["title"])} – {e(about.name)}</title><style>{STYLE}</style></head><body>'
        f'<header><p class="name">{e(about.name)}<span class="owner">{e(t["owner"].format(organisation=about.organisation))}'
        f'</span></p><a href="?{e(other, quote=True)}" hreflang="{"sv" if lang == "en" else "en"}" '
        f'lang="{"sv" if lang == "en" else "en"}">{e(t["other"])}</a></header>'
        f'<main><h1>{e(t["title"])}</h1><div class="card">{content}</div></main>'
        f'<footer><p>{e(about.name)} · {e(about.organisation)} · {e(about.address)}</p>'
        f'<p>{e(about.phone)} · {e(about.sender)}</p><p><a href="{e(site, quote=True)}">{e(t["site"])}</a></p></footer>'
        "</body></html>"
    )
