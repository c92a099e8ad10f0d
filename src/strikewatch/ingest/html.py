"""HTML page -> main text plus a little metadata.

Pages come from arbitrary servers, so this module assumes hostile input:

* parsing is done here, once, with lxml's HTML parser (libxml2): it never
  touches the network, never loads a DTD and never expands external
  entities; comments and processing instructions are dropped. The parsed
  tree, not the markup, is handed to trafilatura, so trafilatura's own
  loader (decompression, encoding guesses, "is this HTML?" rejection of
  fragments) is bypassed and decoding stays in :mod:`strikewatch.ingest.text`.
* libxml2 stops building the tree when it hits a resource limit (nesting
  deeper than 256 elements, a text or attribute node over 10 MB) and
  silently drops everything after that point. When that happens the text is
  taken instead by :func:`_scan_text`, a linear-time tag stripper that needs
  no tree, so a hostile page cannot hide (or lose) its text that way.
* ``<script>``, ``<style>``, ``<noscript>``, ``<template>`` and friends never
  contribute text on any path.
* trafilatura's cost grows with the element count; a tree larger than
  :data:`MAX_EXTRACT_ELEMENTS` is rendered plainly instead (all text, no
  boilerplate removal, title and declared language only).

trafilatura settings (2.x API, :func:`trafilatura.bare_extraction`):

* ``fast=False``: keep the fallback extractors (readability/justext
  comparison and baseline rescue). In trafilatura 2.x ``no_fallback`` is a
  deprecated alias of ``fast`` and warns. Missing a paragraph that holds a
  casualty figure costs more here than the few milliseconds per page the
  fallbacks take, and our volume is thousands of pages, not millions.
* balanced focus (neither ``favor_precision`` nor ``favor_recall``): 2.x
  already retries a short balanced extraction in recall mode when it covers
  little of the page; precision mode drops short paragraphs and lists,
  exactly where "3 killed, 12 injured" lines tend to sit.
* ``include_comments=False``: reader comments are not the source's account.
  ``include_tables=True``: casualty tables are content. No links, images or
  markdown formatting; ``deduplicate=False`` (its cache is process-global
  state and would make the output depend on earlier documents).
* ``with_metadata=True`` with htmldate's ``extensive_search=False``: the
  publication date must come from markup (meta tags, JSON-LD, ``<time>``,
  the URL), not from the first date-looking string in the body, which in a
  strike report is usually the date of the attack.
"""

from __future__ import annotations

import datetime as _dt
import html as _htmlmod
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from lxml import etree
from lxml.html import HTMLParser

from strikewatch.errors import InputError
from strikewatch.ingest.text import clean_text, decode_bytes

__all__ = ["HtmlText", "html_to_text", "sniff_charset"]

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class HtmlText:
    """Main text of a page and the metadata worth keeping from it.

    ``published`` is an ISO date (``YYYY-MM-DD``) found in the markup;
    ``language`` is the language the page *declares* (primary subtag,
    lower case), not a detected one.
    """

    text: str
    title: str | None = None
    published: str | None = None
    language: str | None = None
    author: str | None = None
    sitename: str | None = None


# --------------------------------------------------------------------------
# charset sniffing
# --------------------------------------------------------------------------

#: Only the start of the document is searched, as browsers do (HTML spec:
#: the prescan covers the first 1024 bytes; we allow 2 KB for bloated heads).
_SNIFF_BYTES = 2048
_META_CHARSET = re.compile(rb"""<meta\b[^>]{0,1024}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:+-]{1,40})""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._:+-]{1,40})""", re.I)


def sniff_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 2 KB, or None.

    Covers ``<meta charset>``, ``<meta http-equiv="Content-Type"
    content="...; charset=...">`` and an XML declaration. A declared UTF-16
    or UTF-32 is reported as UTF-8, as the HTML spec prescribes: if the
    declaration was readable as ASCII, the page is not UTF-16.
    """
    head = bytes(data[:_SNIFF_BYTES])
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    if label.replace("_", "-").startswith(("utf-16", "utf-32", "utf16", "utf32", "ucs-2", "ucs2")):
        return "utf-8"
    return label


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------

#: Above this many elements trafilatura is skipped and the whole page is
#: rendered plainly (linear time). trafilatura costs roughly 50-150 us per
#: element, so this bounds a hostile page to a few seconds; real article
#: pages, even with large casualty tables, stay well below it.
MAX_EXTRACT_ELEMENTS = 50_000

#: Characters libxml2 refuses or mangles; clean_text has already removed
#: controls, these two non-characters are the rest.
_XML_INVALID = re.compile("[\ufffe\uffff]")


def _parse(markup: str) -> tuple[etree._Element | None, bool]:
    """Parse with safe settings; returns (root, truncated).

    ``truncated`` is True when libxml2 stopped at a resource limit, i.e. the
    tree is missing the rest of the document.
    """
    parser = HTMLParser(
        encoding="utf-8",  # we decoded already: ignore any <meta charset> in the markup
        recover=True,
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        remove_blank_text=False,
        collect_ids=False,
        default_doctype=False,
        huge_tree=False,  # keep libxml2's depth and size limits
        compact=True,
    )
    data = markup.encode("utf-8")
    try:
        root = etree.fromstring(data, parser)
    except (etree.LxmlError, ValueError):
        root = None
    truncated = any(entry.level >= etree.ErrorLevels.FATAL for entry in parser.error_log)
    return root, truncated


# --------------------------------------------------------------------------
# rendering a tree (ours or trafilatura's) to text
# --------------------------------------------------------------------------

_LINE = 1  # token: start a new line
_PARA = 2  # token: start a new paragraph (blank line)
_CELL = 3  # token: table-cell separator

_Token = str | int

#: HTML elements whose content is never text for a reader.
_SKIP_HTML = frozenset(
    "script style noscript template head title iframe object embed applet svg math canvas audio video "
    "select datalist frameset noframes noembed xmp plaintext".split()
)
#: HTML block elements: a paragraph boundary before and after.
_PARA_HTML = frozenset(
    "address article aside blockquote body center details dialog dir div dl fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend main menu nav ol p pre section summary "
    "table ul caption".split()
)
#: HTML elements that only start a new line.
_LINE_HTML = frozenset("li dt dd tr option br".split())
_CELL_HTML = frozenset(("td", "th"))

#: trafilatura's output vocabulary (TEI-like).
_PARA_TRAF = frozenset("head p list table quote code div section article figure note".split())
_LINE_TRAF = frozenset(("item", "row", "lb"))
_CELL_TRAF = frozenset(("cell",))

#: HTML whitespace (not NBSP, which is content).
_WS = re.compile(r"[ \t\n\r\f]+")


def _walk(
    root: etree._Element,
    *,
    skip: frozenset[str],
    para: frozenset[str],
    line: frozenset[str],
    cell: frozenset[str],
    pre: frozenset[str],
    keep_newlines: bool = False,
) -> Iterator[_Token]:
    """Yield text and break tokens in document order, without recursion.

    ``lxml.etree.iterwalk`` is iterative in C, so nesting depth cannot
    exhaust the Python stack. Newlines in text are line breaks inside
    ``pre`` elements, or everywhere with ``keep_newlines``.
    """
    walker = etree.iterwalk(root, events=("start", "end"))
    in_pre = 1 if keep_newlines else 0
    for event, elem in walker:
        tag = elem.tag if isinstance(elem.tag, str) else ""
        if event == "start":
            if tag in skip or not tag:
                walker.skip_subtree()
                continue
            if tag in para:
                yield _PARA
            elif tag in line:
                yield _LINE
            elif tag in cell:
                yield _CELL
            if tag in pre:
                in_pre += 1
            if elem.text:
                yield from _text_tokens(elem.text, in_pre > 0)
        else:
            if tag and tag not in skip:
                if tag in pre:
                    in_pre -= 1
                if tag in para:
                    yield _PARA
                elif tag in line and tag not in ("br", "lb"):
                    yield _LINE
            if elem.tail and elem is not root:
                yield from _text_tokens(elem.tail, in_pre > 0)


def _text_tokens(text: str, preformatted: bool) -> Iterator[_Token]:
    """A text node; inside <pre>, its line breaks are kept."""
    if not preformatted or "\n" not in text:
        yield text
        return
    first = True
    for part in text.split("\n"):
        if not first:
            yield _LINE
        first = False
        yield part


def _assemble(tokens: Iterable[_Token]) -> str:
    """Join tokens: whitespace collapsed within a line, breaks merged.

    Consecutive break tokens merge into the strongest one, so nested blocks
    do not pile up blank lines; the cells of a table row share one line,
    joined by " | " (empty cells included, so columns stay aligned).
    """
    out: list[str] = []
    pieces: list[str] = []
    pending = 0
    cells = 0

    def flush() -> None:
        nonlocal pending, cells
        line = _WS.sub(" ", "".join(pieces)).strip(" ")
        pieces.clear()
        cells = 0
        if not line or not line.strip(" |"):
            return
        if out:
            out.append("\n\n" if pending >= _PARA else "\n")
        out.append(line)
        pending = 0

    for tok in tokens:
        if isinstance(tok, str):
            pieces.append(tok)
        elif tok == _CELL:
            if cells:
                pieces.append(" | ")
            cells += 1
        else:
            flush()
            pending = max(pending, tok)
    flush()
    return "".join(out)


def _render_html(root: etree._Element) -> str:
    """Plain rendering of a whole HTML tree (the fallback for fragments)."""
    return _assemble(_walk(root, skip=_SKIP_HTML, para=_PARA_HTML, line=_LINE_HTML, cell=_CELL_HTML, pre=frozenset({"pre", "textarea"})))


def _render_trafilatura(body: etree._Element) -> str:
    """Render trafilatura's output tree with paragraphs as blank lines.

    trafilatura's own txt output separates paragraphs with a single newline
    (indistinguishable from a ``<br>``), so its tree is rendered here. It has
    already normalised source whitespace, so a newline left inside its text
    is a real line break (its baseline extractor joins blocks that way).
    """
    return _assemble(
        _walk(body, skip=frozenset({"graphic"}), para=_PARA_TRAF, line=_LINE_TRAF, cell=_CELL_TRAF, pre=frozenset(), keep_newlines=True)
    )


# --------------------------------------------------------------------------
# tree-free fallback for documents libxml2 truncated
# --------------------------------------------------------------------------

#: Elements whose raw content runs to their end tag (skipped wholesale).
_RAW_SKIP = frozenset("script style noscript template title textarea xmp iframe noembed noframes svg math".split())
_TAG_NAME = re.compile(r"/?([A-Za-z][A-Za-z0-9:-]{0,63})")


def _scan_text(markup: str) -> str:
    """Strip tags in one linear pass; used when the parse was truncated.

    No tree and no recursion, so nesting depth and attribute size do not
    matter. Every search moves forward and the position of the next ``>``
    is cached, so the cost stays linear even for inputs such as ten
    thousand unterminated ``<a`` tags.
    """
    n = len(markup)
    tokens: list[_Token] = []
    pos = 0
    next_gt = -1
    end_re_cache: dict[str, re.Pattern[str]] = {}
    while pos < n:
        lt = markup.find("<", pos)
        if lt < 0:
            tokens.append(_htmlmod.unescape(markup[pos:]))
            break
        if lt > pos:
            tokens.append(_htmlmod.unescape(markup[pos:lt]))
        if markup.startswith("<!--", lt):
            close = markup.find("-->", lt + 4)
            pos = n if close < 0 else close + 3
            continue
        nxt = markup[lt + 1 : lt + 2]
        if not nxt or not (nxt.isascii() and (nxt.isalpha() or nxt in "/!?")):
            tokens.append("<")  # a literal "<" in text
            pos = lt + 1
            continue
        if next_gt < lt:
            next_gt = markup.find(">", lt)
            if next_gt < 0:
                next_gt = n  # no more tags: an unterminated tag runs to the end
        gt = next_gt
        pos = gt + 1
        if nxt in "!?":
            continue  # doctype, bogus comment, processing instruction
        match = _TAG_NAME.match(markup, lt + 1, min(gt, lt + 66))
        if match is None:
            continue
        closing = markup[lt + 1] == "/"
        name = match.group(1).lower()
        if not closing and name in _RAW_SKIP:
            end_re = end_re_cache.setdefault(name, re.compile(r"</" + name + r"\b", re.I))
            end = end_re.search(markup, pos)
            if end is None:
                break  # unterminated raw element swallows the rest, as in a browser
            close = markup.find(">", end.end())
            pos = n if close < 0 else close + 1
            next_gt = -1
            continue
        if name in _PARA_HTML:
            tokens.append(_PARA)
        elif name in _LINE_HTML:
            tokens.append(_LINE)
        elif name in _CELL_HTML and not closing:
            tokens.append(_CELL)
    return _assemble(tokens)


def _drop_inert(root: etree._Element) -> None:
    """Remove elements whose content is never page text, keeping their tails.

    trafilatura keeps ``<template>`` and ``<noscript>`` content; scripts go
    too, except JSON-LD, which trafilatura reads for author, date and site
    name (and never emits as text).
    """
    doomed = [
        el
        for el in root.iter("script", "style", "noscript", "template")
        if not (el.tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json")
    ]
    for el in doomed:
        parent = el.getparent()
        if parent is None:
            continue
        if el.tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + el.tail
            else:
                parent.text = (parent.text or "") + el.tail
        parent.remove(el)


# --------------------------------------------------------------------------
# metadata helpers
# --------------------------------------------------------------------------

_LANG_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")


def _normalise_lang(value: str | None) -> str | None:
    """'ar-SY' -> 'ar'; anything that is not a language tag -> None."""
    if not value:
        return None
    match = _LANG_TAG.match(value.strip())
    return match.group(1).lower() if match else None


def _declared_language(root: etree._Element) -> str | None:
    """<html lang>, then xml:lang, then Content-Language / og:locale meta."""
    html_el = root if root.tag == "html" else root.find(".//html")
    candidates: list[str | None] = []
    if html_el is not None:
        candidates += [html_el.get("lang"), html_el.get("xml:lang"), html_el.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in root.iterfind(".//meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").strip().lower()
        if key in ("content-language", "og:locale", "dc.language", "language"):
            content = (meta.get("content") or "").split(",")[0]
            candidates.append(content)
    for value in candidates:
        lang = _normalise_lang(value)
        if lang:
            return lang
    return None


def _one_line(value: object) -> str | None:
    """Metadata value as a single clean line, or None."""
    if not isinstance(value, str):
        return None
    text = _WS.sub(" ", clean_text(value).replace("\n", " ")).strip()
    return text or None


def _iso_date(value: object) -> str | None:
    """Keep only a valid YYYY-MM-DD date."""
    if not isinstance(value, str):
        return None
    try:
        return _dt.date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _trafilatura(root: etree._Element, url: str | None) -> object | None:
    """Run trafilatura on a parsed tree (see module docstring for settings)."""
    try:
        import trafilatura

        return trafilatura.bare_extraction(
            root,
            url=url,
            fast=False,
            favor_precision=False,
            favor_recall=False,
            include_comments=False,
            include_tables=True,
            include_images=False,
            include_links=False,
            include_formatting=False,
            deduplicate=False,
            with_metadata=True,
            output_format="python",
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # noqa: BLE001 - extractor bugs (incl. RecursionError) fall back, never crash
        LOGGER.debug("trafilatura failed, falling back to plain rendering: %r", exc)
        return None


# --------------------------------------------------------------------------
# public entry point
# --------------------------------------------------------------------------


def html_to_text(html: str | bytes, *, url: str | None = None) -> HtmlText:
    """Reduce an HTML page or fragment to its main text.

    Bytes are decoded with :func:`~strikewatch.ingest.text.decode_bytes`,
    honouring a charset declared in the first 2 KB. The main text comes from
    trafilatura, with paragraphs separated by blank lines; if trafilatura
    finds nothing (tiny fragments), every block element's text is taken. The
    result passes through :func:`~strikewatch.ingest.text.clean_text`.

    Raises :class:`~strikewatch.errors.InputError` with code ``empty_text``
    when no text remains, ``bad_field`` when ``html`` is neither str nor bytes.
    No network access happens on any path.
    """
    if isinstance(html, (bytes, bytearray, memoryview)):
        raw = bytes(html)
        markup, _ = decode_bytes(raw, declared=sniff_charset(raw))
    elif isinstance(html, str):
        markup = html
    else:
        raise InputError(f"HTML must be str or bytes, not {type(html).__name__}", code="bad_field")

    markup = _XML_INVALID.sub("", clean_text(markup))
    if not markup.strip():
        raise InputError("the HTML document is empty", code="empty_text")

    root, truncated = _parse(markup)

    title = published = author = sitename = language = None
    text = ""
    if root is not None:
        _drop_inert(root)
        language = _declared_language(root)
        elements = sum(1 for _ in islice(root.iter(), MAX_EXTRACT_ELEMENTS + 1))
        doc = _trafilatura(root, url) if elements <= MAX_EXTRACT_ELEMENTS else None
        if doc is not None:
            title = _one_line(getattr(doc, "title", None))
            published = _iso_date(getattr(doc, "date", None))
            author = _one_line(getattr(doc, "author", None))
            sitename = _one_line(getattr(doc, "sitename", None))
            body = getattr(doc, "body", None)
            if not truncated and body is not None:
                text = _render_trafilatura(body)
        if title is None:
            title = _one_line(root.findtext(".//title"))
        if not text.strip() and not truncated:
            text = _render_html(root)
    if truncated or root is None:
        LOGGER.debug("HTML parse truncated or failed; using the tree-free text scanner")
        text = _scan_text(markup)

    text = clean_text(text).strip()
    if not text:
        raise InputError("no text remained after HTML reduction", code="empty_text")
    return HtmlText(text=text, title=title, published=published, language=language, author=author, sitename=sitename)
