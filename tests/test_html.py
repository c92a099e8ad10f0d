"""Tests for strikewatch.ingest.html on invented pages, including hostile ones."""

from __future__ import annotations

import socket
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strikewatch.errors import InputError
from strikewatch.ingest import html as html_mod
from strikewatch.ingest.html import HtmlText, html_to_text, sniff_charset

# All content below is invented for these tests.
NEWS_PARAGRAPHS = [
    "An airstrike hit the covered vegetable market in the invented town of Lornvale shortly after dawn on Tuesday, "
    "according to three residents who spoke to the Courier by telephone from the scene.",
    "The local clinic said it had received twenty-three wounded people by midday, among them seven children, and "
    "that two of its ambulances had been damaged while collecting casualties from the eastern gate.",
    "A volunteer rescue group, the Lornvale Civil Response Team, published photographs showing collapsed stalls and "
    "a burnt delivery truck, and said its members were still searching the rubble in the afternoon.",
    "No party has claimed responsibility for the attack. A spokesperson for the regional council described the strike "
    "as a grave violation and called for an independent investigation into the incident.",
]
BOILERPLATE = ["Accept all cookies", "Weather forecast", "Celebrity chef opens floating restaurant",
               "Ten gadgets for your garden", "Terms of service", "Work with us", "Subscribe to our newsletter"]
SECRETS = ["SECRET_TRACKER_PAYLOAD", "INLINE_SCRIPT_TEXT", "STYLE_RULE_TEXT", "NOSCRIPT_TEXT", "TEMPLATE_TEXT", "JSON_LD_TEXT"]

NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Market strike leaves dozens injured | The Valley Courier</title>
<meta property="og:site_name" content="The Valley Courier">
<meta name="author" content="Mira Castellan">
<meta property="article:published_time" content="2023-04-17T09:30:00+00:00">
<script>var tracking = "SECRET_TRACKER_PAYLOAD";</script>
<script type="application/ld+json">{{"@type": "NewsArticle", "x": "JSON_LD_TEXT"}}</script>
<style>.nav::after {{ content: "STYLE_RULE_TEXT"; }}</style>
</head>
<body>
<div class="cookie-banner" id="cookie-consent">We use cookies to improve your experience.
  <a href="/privacy">Accept all cookies</a></div>
<header><nav class="main-nav"><ul>
<li><a href="/">Home</a></li><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather forecast</a></li>
</ul></nav></header>
<main>
<article>
<h1>Market strike leaves dozens injured in Lornvale</h1>
<p>{NEWS_PARAGRAPHS[0]}</p>
<p>{NEWS_PARAGRAPHS[1]}</p>
<noscript>NOSCRIPT_TEXT</noscript>
<p>{NEWS_PARAGRAPHS[2]}</p>
<template><p>TEMPLATE_TEXT</p></template>
<p>{NEWS_PARAGRAPHS[3]}</p>
</article>
<aside class="sidebar"><h3>Most read</h3><ul>
<li><a href="/a">Celebrity chef opens floating restaurant</a></li>
<li><a href="/b">Ten gadgets for your garden</a></li></ul></aside>
</main>
<footer><ul><li><a href="/contact">Contact us</a></li><li><a href="/terms">Terms of service</a></li>
<li><a href="/jobs">Work with us</a></li></ul>
<form class="newsletter"><a href="/subscribe">Subscribe to our newsletter</a></form>
<p>Copyright 2023 The Valley Courier</p></footer>
<script>document.write("INLINE_SCRIPT_TEXT");</script>
</body></html>"""

ARABIC_PARAGRAPHS = [
    "قالت مصادر محلية إن غارة جوية استهدفت سوق الخضار في البلدة القديمة صباح يوم الثلاثاء، ما أدى إلى إصابة عدد من المدنيين بجروح متفاوتة.",
    "وأضافت المصادر أن فرق الدفاع المدني عملت لساعات على انتشال العالقين من تحت الأنقاض، وسط انقطاع الكهرباء عن معظم الأحياء المجاورة.",
    "وطالبت منظمات إنسانية بفتح تحقيق مستقل في الحادثة وضمان حماية المنشآت المدنية والأسواق الشعبية.",
]


def arabic_page(charset_tag: str) -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in ARABIC_PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>{charset_tag}<title>قصف على سوق البلدة</title></head>
<body>
<nav><a href="/">الرئيسية</a> | <a href="/news">آخر الأخبار</a> | <a href="/sport">الرياضة</a></nav>
<article><h1>قصف جوي يستهدف سوق البلدة القديمة</h1>
{paragraphs}
</article>
<footer><a href="/about">من نحن</a> <a href="/contact">اتصل بنا</a> جميع الحقوق محفوظة</footer>
<script>var x = "SECRET_TRACKER_PAYLOAD";</script>
</body></html>"""


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve or connect fails the test loudly."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)


def _assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


# --------------------------------------------------------------------------
# ordinary pages
# --------------------------------------------------------------------------


def test_news_page_main_text(no_network: None) -> None:
    result = html_to_text(NEWS_PAGE, url="https://courier.example/2023/04/17/market-strike")
    assert isinstance(result, HtmlText)
    for paragraph in NEWS_PARAGRAPHS:
        assert paragraph in result.text
    for junk in BOILERPLATE:
        assert junk not in result.text
    _assert_no_secrets(result.text)
    # paragraphs are separated by blank lines, in order
    joined = "\n\n".join(NEWS_PARAGRAPHS)
    assert joined in result.text


def test_news_page_metadata(no_network: None) -> None:
    result = html_to_text(NEWS_PAGE)
    assert result.title is not None and "Market strike leaves dozens injured" in result.title
    assert result.published == "2023-04-17"
    assert result.language == "en"
    assert result.author == "Mira Castellan"
    assert result.sitename == "The Valley Courier"


def test_news_page_as_utf8_bytes() -> None:
    assert html_to_text(NEWS_PAGE.encode("utf-8")).text == html_to_text(NEWS_PAGE).text


def test_arabic_rtl_page() -> None:
    result = html_to_text(arabic_page('<meta charset="utf-8">'))
    for paragraph in ARABIC_PARAGRAPHS:
        assert paragraph in result.text
    assert "\n\n".join(ARABIC_PARAGRAPHS) in result.text
    assert "اتصل بنا" not in result.text
    assert result.language == "ar"
    assert result.title
    _assert_no_secrets(result.text)


@pytest.mark.parametrize(
    "charset_tag",
    [
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">',
        '<meta charset="windows-1256">',
        "<meta charset=WINDOWS-1256>",
    ],
)
def test_windows_1256_page_as_bytes(charset_tag: str) -> None:
    data = arabic_page(charset_tag).encode("windows-1256")
    result = html_to_text(data)
    for paragraph in ARABIC_PARAGRAPHS:
        assert paragraph in result.text
    assert result.title and "\ufffd" not in result.title
    assert result.language == "ar"


def test_windows_1256_page_without_declaration_is_guessed() -> None:
    data = arabic_page("").encode("windows-1256")
    result = html_to_text(data)
    assert ARABIC_PARAGRAPHS[0] in result.text


def test_xml_declaration_does_not_confuse_the_parser() -> None:
    page = '<?xml version="1.0" encoding="windows-1256"?>\n' + arabic_page("")
    assert ARABIC_PARAGRAPHS[1] in html_to_text(page).text
    assert ARABIC_PARAGRAPHS[1] in html_to_text(page.encode("windows-1256")).text


def test_bom_beats_meta_charset() -> None:
    data = "\ufeff".encode("utf-16-le") + arabic_page('<meta charset="windows-1256">').encode("utf-16-le")
    assert ARABIC_PARAGRAPHS[2] in html_to_text(data).text


def test_fragment() -> None:
    result = html_to_text("<p>Two killed in <b>Idlib</b></p>")
    assert result.text == "Two killed in Idlib"
    assert result.title is None and result.published is None and result.language is None


def test_plain_text_fragment() -> None:
    assert html_to_text("Shelling reported near the northern checkpoint").text == "Shelling reported near the northern checkpoint"


def test_lxml_fallback_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_mod, "_trafilatura", lambda root, url: None)
    page = """<html><head><title>T</title><style>p {}</style></head><body>
    <script>SECRET_TRACKER_PAYLOAD</script><noscript>NOSCRIPT_TEXT</noscript>
    <template>TEMPLATE_TEXT</template>
    <h2>Update</h2><p>Two   killed in
    <b>Idlib</b>,</p><div>five <i>injured</i><br>in Ariha</div>
    <table><tr><th>Killed</th><th>Injured</th></tr><tr><td>2</td><td>5</td></tr></table>
    <ul><li>first</li><li>second</li></ul></body></html>"""
    result = html_to_text(page)
    assert result.text == "Update\n\nTwo killed in Idlib,\n\nfive injured\nin Ariha\n\nKilled | Injured\n2 | 5\n\nfirst\nsecond"
    assert result.title == "T"
    _assert_no_secrets(result.text)


# --------------------------------------------------------------------------
# empty and invalid input
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        "",
        "   \n\t ",
        b"",
        "<html><head><title>Only a title</title></head><body></body></html>",
        "<script>SECRET_TRACKER_PAYLOAD()</script>",
        "<!-- nothing but a comment -->",
        "<div><span> </span>&nbsp;</div>".replace("&nbsp;", " "),
        "\x00\x00\x00",
        "<style>body{}</style><noscript>NOSCRIPT_TEXT</noscript>",
    ],
)
def test_empty_text(doc: str | bytes) -> None:
    with pytest.raises(InputError) as info:
        html_to_text(doc)
    assert info.value.code == "empty_text"


def test_wrong_type() -> None:
    with pytest.raises(InputError) as info:
        html_to_text(12345)  # type: ignore[arg-type]
    assert info.value.code == "bad_field"


# --------------------------------------------------------------------------
# hostile input
# --------------------------------------------------------------------------


def test_deeply_nested_divs_do_not_crash_or_lose_text() -> None:
    depth = 10_000
    page = ("<html><head><title>Deep</title></head><body><p>Opening line.</p>" + "<div>" * depth
            + "Buried sentence about the shelling.<script>SECRET_TRACKER_PAYLOAD</script>" + "</div>" * depth
            + "<p>Closing line.</p></body></html>")
    start = time.perf_counter()
    result = html_to_text(page)
    assert time.perf_counter() - start < 5
    assert "Buried sentence about the shelling." in result.text
    assert "Opening line." in result.text and "Closing line." in result.text
    _assert_no_secrets(result.text)


def test_unclosed_nesting_is_handled() -> None:
    page = "<p>Start." + "<div><span><b>" * 5000 + "Deep words." + "<script>SECRET_TRACKER_PAYLOAD"
    start = time.perf_counter()
    result = html_to_text(page)
    assert time.perf_counter() - start < 5
    assert "Deep words." in result.text
    _assert_no_secrets(result.text)


@pytest.mark.parametrize("size", [1_000_000, 11_000_000])  # below and above libxml2's 10 MB node limit
def test_huge_attribute_value(size: int) -> None:
    page = ('<html><body><p>Before the image.</p><img alt="' + "A" * size + '" src="x.png">'
            "<p>After the image.</p><script>SECRET_TRACKER_PAYLOAD</script></body></html>")
    start = time.perf_counter()
    result = html_to_text(page)
    assert time.perf_counter() - start < 5
    assert "Before the image." in result.text and "After the image." in result.text
    assert "AAAA" not in result.text
    _assert_no_secrets(result.text)


def test_huge_element_count_skips_trafilatura_but_keeps_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(root: object, url: object) -> None:
        raise AssertionError("trafilatura called on a giant tree")

    monkeypatch.setattr(html_mod, "_trafilatura", refuse)
    page = "<title>Big</title><p>Lead sentence.</p>" + "<span>x</span>" * (html_mod.MAX_EXTRACT_ELEMENTS + 10)
    start = time.perf_counter()
    result = html_to_text(page)
    assert time.perf_counter() - start < 5
    assert result.text.startswith("Lead sentence.\n\nxxx")
    assert result.title == "Big"


@pytest.mark.parametrize(
    "junk",
    ["<a " * 50_000, "</" * 50_000, "<?" * 50_000, "<!" * 50_000, "<" * 100_000, "&#" * 50_000, "<!--" * 50_000],
)
def test_pathological_markup_is_fast(junk: str) -> None:
    for page in (f"<p>Lead sentence.</p>{junk}", "<p>Lead sentence.</p>" + "<div>" * 300 + junk):
        start = time.perf_counter()
        result = html_to_text(page)
        assert time.perf_counter() - start < 5
        assert "Lead sentence." in result.text


@pytest.mark.parametrize(
    "page",
    [
        "<p>Visible.</p><SCRIPT>SECRET_TRACKER_PAYLOAD</SCRIPT>",
        "<p>Visible.</p><script>var s = '<p>SECRET_TRACKER_PAYLOAD</p>';</script>",
        "<p>Visible.</p><script>document.write('</scr' + 'ipt>SECRET_TRACKER_PAYLOAD')</script>",
        "<p>Visible.</p><script type=text/template><div>SECRET_TRACKER_PAYLOAD</div></script>",
        "<p>Visible.</p><script>SECRET_TRACKER_PAYLOAD",  # unterminated
        "<p>Visible.</p><svg><script>SECRET_TRACKER_PAYLOAD</script></svg>",
        "<p>Visible.</p><noscript><p>NOSCRIPT_TEXT</p></noscript>",
        "<p>Visible.</p>" + "<div>" * 400 + "<script>SECRET_TRACKER_PAYLOAD</script>",  # tree-free path
        "<p>Visible.</p>" + "<div>" * 400 + "<script>SECRET_TRACKER_PAYLOAD",
        "<p>Visible.</p>" + "<div>" * 400 + "<ScRiPt type='module'>SECRET_TRACKER_PAYLOAD</sCrIpT >",
    ],
)
def test_script_content_never_appears(page: str) -> None:
    result = html_to_text(page)
    assert "Visible." in result.text
    _assert_no_secrets(result.text)


def test_no_external_entities_or_network(no_network: None, tmp_path: object) -> None:
    page = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://dtd.invalid/xhtml1-strict.dtd" [
      <!ENTITY xxe SYSTEM "file:///etc/passwd">
      <!ENTITY remote SYSTEM "http://attacker.invalid/x">
    ]>
    <html><head><link rel="canonical" href="http://attacker.invalid/page">
    <link rel="stylesheet" href="http://attacker.invalid/s.css">
    <meta http-equiv="refresh" content="0; url=http://attacker.invalid/"></head>
    <body><p>Residents reported an explosion &xxe; &remote; near the depot.</p>
    <img src="http://attacker.invalid/pixel.gif"><iframe src="http://attacker.invalid/frame"></iframe>
    <object data="http://attacker.invalid/o"></object></body></html>"""
    result = html_to_text(page, url="http://attacker.invalid/original")
    assert "Residents reported an explosion" in result.text
    assert "root:" not in result.text


def test_sniff_charset() -> None:
    assert sniff_charset(b'<meta charset="windows-1256">') == "windows-1256"
    assert sniff_charset(b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-1'>") == "iso-8859-1"
    assert sniff_charset(b'<?xml version="1.0" encoding="cp1256"?><html>') == "cp1256"
    assert sniff_charset(b'<meta charset="utf-16">') == "utf-8"
    assert sniff_charset(b"<p>no declaration</p>") is None
    assert sniff_charset(b" " * 3000 + b'<meta charset="windows-1256">') is None  # beyond the first 2 KB


_TAGS = st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<script>", "</script>", "<style>", "<br>", "<b>", "</b>",
                         "<table><tr><td>", "</td><td>", "<!--", "-->", "<![CDATA[", "]]>", "<?php ", "&amp;", "&#0;",
                         "&#xD800;", "<html lang='ar'>", "<meta charset='utf-16'>", "<title>", "</title>", "<", ">",
                         "\x00", "\ufeff", "\ud800", "خبر", "word", " ", "\n"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_TAGS, st.text(max_size=8)), max_size=40), st.booleans())
def test_random_markup_never_crashes(parts: list[str], as_bytes: bool) -> None:
    doc = "".join(parts)
    payload: str | bytes = doc.encode("utf-8", "surrogatepass") if as_bytes else doc
    try:
        result = html_to_text(payload)
    except InputError as exc:
        assert exc.code == "empty_text"
        return
    assert result.text and result.text == result.text.strip()
    result.text.encode("utf-8")
    assert "\x00" not in result.text
