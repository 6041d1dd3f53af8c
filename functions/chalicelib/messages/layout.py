"""The HTML layout every e-mail shares: one template, small building blocks.

Built for mail clients, not browsers: a single centred column at most 600 px
wide made of ``role="presentation"`` tables, inline styles only (clients drop
``<style>`` and ``<link>``), the system font stack, and nothing fetched when
the mail is opened (no images, fonts or pixels), so the clinic's name in the
header is text. Colours are the site's, with at least 4.5:1 contrast. Every
block escapes what it is given, so a caller passes plain strings, never
markup; the blocks' output is the already-escaped fragment that
``messages.send_email`` expects and wraps with ``document``.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif"
INK = "#1f2933"  # on white 14:1
MUTED = "#4b5563"  # footer text: on PAPER 6.9:1
BRAND = "#2f3a73"  # the site's primary: white on it 11:1, on white 11:1
PAPER = "#f3f4f6"  # page background around the column and behind the footer
LINE = "#d1d5db"

TEXT_STYLE = f"margin:0 0 16px;font-family:{FONT};font-size:16px;line-height:1.5;color:{INK}"
LINK_STYLE = f"color:{BRAND};text-decoration:underline"


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def heading(text: str) -> str:
    return (f'<h1 style="margin:0 0 16px;font-family:{FONT};font-size:22px;line-height:1.3;font-weight:bold;'
            f'color:{INK}">{_e(text)}</h1>')


def paragraph(text: str) -> str:
    return f'<p style="{TEXT_STYLE}">{_e(text)}</p>'


def note(label: str, text: str) -> str:
    """A person's own words, line breaks kept."""
    return (f'<p style="{TEXT_STYLE};margin-bottom:4px"><strong>{_e(label)}:</strong></p>'
            f'<p style="{TEXT_STYLE};white-space:pre-wrap">{_e(text)}</p>')


def facts(rows: Sequence[tuple[str, str]]) -> str:
    """Label and value side by side; a data table (with row headers), not a layout one."""
    cell = f"padding:8px 0;border-top:1px solid {LINE};font-family:{FONT};font-size:16px;line-height:1.4;vertical-align:top"
    body = "".join(
        f'<tr><th scope="row" align="left" style="{cell};padding-right:16px;width:35%;font-weight:bold;color:{INK}">'
        f'{_e(label)}</th><td style="{cell};color:{INK}">{_e(value)}</td></tr>'
        for label, value in rows)
    return (f'<table width="100%" cellpadding="0" cellspacing="0" border="0" '
            f'style="width:100%;border-collapse:collapse;margin:0 0 16px">{body}</table>')


def link(url: str, label: str) -> str:
    """A link on its own line; its text says where it goes (never a bare URL)."""
    return f'<p style="{TEXT_STYLE}"><a href="{_e(url)}" style="{LINK_STYLE}">{_e(label)}</a></p>'


def button(url: str, label: str) -> str:
    """The main action as a large link styled as a button (a table cell carries the colour for Outlook)."""
    return (f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px">'
            f'<tr><td bgcolor="{BRAND}" style="background-color:{BRAND};border-radius:6px">'
            f'<a href="{_e(url)}" style="display:inline-block;padding:12px 24px;font-family:{FONT};font-size:16px;'
            f'line-height:1.3;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px">{_e(label)}</a>'
            f"</td></tr></table>")


def footer(who: str, links: Sequence[tuple[str, str]], remark: str) -> str:
    """Smaller (14 px) but readable: who we are, the links to one's data and to stop offers."""
    style = f"margin:0 0 8px;font-family:{FONT};font-size:14px;line-height:1.5;color:{MUTED}"
    anchors = "".join(f'<p style="{style}"><a href="{_e(url)}" style="{LINK_STYLE}">{_e(label)}</a></p>'
                      for label, url in links)
    closing = f'<p style="{style};margin-bottom:0">{_e(remark)}</p>' if remark else ""
    return f'<p style="{style}">{_e(who)}</p>{anchors}{closing}'


def document(*, language: str, title: str, clinic: str, body: str, footer_html: str) -> str:
    """The whole HTML part: ``body`` and ``footer_html`` are fragments built with the blocks above."""
    lang = "en" if language == "en" else "sv"
    column = "width:100%;max-width:600px"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="ltr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="color-scheme" content="light"><meta name="supported-color-schemes" content="light">'
        f"<title>{_e(title)}</title></head>"
        f'<body style="margin:0;padding:0;background-color:{PAPER};color:{INK};font-family:{FONT}">'
        # Webmail drops <html> and <head>: the wrapper carries the language too (no aria-label:
        # axe counts that as content outside the landmarks).
        f'<div role="article" aria-roledescription="{"email" if lang == "en" else "e-post"}" '
        f'lang="{lang}" dir="ltr">'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="{PAPER}" '
        f'style="width:100%;background-color:{PAPER}"><tr><td align="center" style="padding:16px 8px">'
        # Outlook for Windows ignores max-width: a fixed 600 px column for it alone.
        '<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0">'
        "<tr><td><![endif]-->"
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="{column};margin:0 auto;background-color:#ffffff;border:1px solid {LINE}">'
        f'<tr><td bgcolor="{BRAND}" style="background-color:{BRAND};padding:20px 24px">'
        f'<div role="banner"><p style="margin:0;font-family:{FONT};font-size:22px;line-height:1.3;font-weight:bold;'
        f'color:#ffffff">{_e(clinic)}</p></div></td></tr>'
        f'<tr><td style="padding:24px"><div role="main">{body}</div></td></tr>'
        f'<tr><td bgcolor="{PAPER}" style="background-color:{PAPER};padding:16px 24px;border-top:1px solid {LINE}">'
        f'<div role="contentinfo">{footer_html}</div></td></tr>'
        "</table>"
        "<!--[if mso]></td></tr></table><![endif]-->"
        "</td></tr></table></div></body></html>\n"
    )
