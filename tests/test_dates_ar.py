"""Arabic dates: invented sentences, normalised as the pipeline does."""

from strikewatch.extract import arabic, dates
from strikewatch.extract.textutil import TextDoc


def _date(text: str, published: str | None = None):
    doc = TextDoc(text=arabic.normalise(text)[0], published=published, language="ar")
    return dates.incident_date(doc, dates.find_dates(doc))


def test_levantine_month_with_weekday_and_year():
    d = _date("قصفت طائرات حربية البلدة يوم الأربعاء ١٤ شباط ٢٠١٨ وسقط ضحايا")
    assert (d.start, d.precision) == ("2018-02-14", "day")


def test_egyptian_month_with_levantine_alias():
    assert _date("غارة على السوق في 3 مايو/أيار 2017").start == "2017-05-03"


def test_relative_dawn_today_and_evening_yesterday():
    assert _date("استهدف قصف مدفعي الحي فجر اليوم الأحد", "2019-04-07").start == "2019-04-07"
    assert _date("سقطت قذائف على المدينة مساء أمس", "2019-04-07").start == "2019-04-06"


def test_publication_line_anchors_relative_dates():
    d = _date("نشر في 9 آذار 2020\nقتل مدنيان بغارة على القرية ليلة أمس")
    assert d.start == "2020-03-08"


def test_numeric_day_first():
    assert _date("قصف الطيران المروحي القرية بتاريخ 4/11/2016").start == "2016-11-04"


def test_hijri_tabular():
    # 1 Ramadan 1444 AH was 23 March 2023; the tabular calendar may differ by a day.
    d = _date("قصفت المدفعية البلدة في 1 رمضان 1444 هـ")
    assert d.start in ("2023-03-22", "2023-03-23", "2023-03-24")


def test_ago_and_last_weekday():
    assert _date("قبل ثلاثة أيام قصفت طائرة مسيرة سيارة", "2021-06-10").start == "2021-06-07"
    assert _date("قصف الطيران المدينة يوم الخميس الماضي", "2021-06-12").start == "2021-06-10"


def test_since_is_background():
    d = _date("قتل منذ مطلع العام 2022 عشرات المدنيين، وقصفت الطائرات القرية في 5 تموز 2022")
    assert d.start == "2022-07-05"


def test_post_stamp_of_a_crawled_post_anchors_its_dates():
    # X puts the stamp after the post, glued to the text before it by the crawl
    post = "قصف مدفعي استهدف أطراف البلدة صباح اليوم وأدى لإصابة طفلين#عاجل9:24 AM · Aug 19, 2022·Twitter Web App"
    d = _date(post)
    assert (d.start, d.precision) == ("2022-08-19", "day")
    # Facebook puts it before; "yesterday" counts from it
    post = "صفحة الأخبار المحليةDecember 3, 2024 · Shared with Public غارة جوية على الحي مساء أمس"
    assert _date(post).start == "2024-12-02"
    # a publication date given with the document wins over the stamp
    assert _date(post, "2024-12-10").start == "2024-12-09"


def test_month_first_with_year_as_pages_print_it():
    d = _date("الثلاثاء، يناير 18، 2022 قصف مدفعي على أطراف القرية أدى لمقتل مدني")
    assert (d.start, d.precision) == ("2022-01-18", "day")


def test_page_date_with_its_time_dates_the_text():
    # a full date near the top followed by a clock time is when the page was
    # written: "أمس" counts from it, and the date itself is not the incident's
    d = _date("عاجل\nالخميس، ٥ ديسمبر ٢٠٢٤، ٢١:٥٤\nقُتل مدنيان بقصف طال السوق مساء أمس")
    assert d.start == "2024-12-04"
    # an English date in the Arabic page counts the same way
    d = _date("مقتل شخص بعملية إنزال جوي جنوب الحسكة  June 9, 2022, 11:36 am  قُتل شخص فجر اليوم في القرية")
    assert d.start == "2022-06-09"
    # a date in the story, with no time after it, is the incident's own
    assert _date("قصفت طائرات حربية البلدة في 14 شباط 2018 وأوقعت قتلى").start == "2018-02-14"


def test_day_month_year_written_with_slashes() -> None:
    from strikewatch.extract import arabic
    from strikewatch.extract.dates import find_dates
    from strikewatch.extract.textutil import TextDoc

    doc = TextDoc(text=arabic.normalise("ملخص أحداث يوم الأحد 9 / آذار / 2025 في ريف المدينة")[0], language="ar")
    assert [m.start_date for m in find_dates(doc)] == ["2025-03-09"]
    doc = TextDoc(text=arabic.normalise("قصفت المدفعية القرية يوم 14/ تموز/ 2022 صباحاً")[0], language="ar")
    assert [m.start_date for m in find_dates(doc)] == ["2022-07-14"]


def test_the_text_telling_its_own_day_anchors_its_relative_dates() -> None:
    # no publication date; "اليوم السبت 6 تشرين الثاني" (its year from the weekday,
    # nearest the year the text states) dates the text, so "صباح اليوم السبت" is that day
    text = ("غارات على ريف إدلب\n\nاستهدفت طائرة حربية صباح اليوم السبت أطراف بلدة بداما، وأصيب مدني بجروح.\n\n"
            "وكانت البلدة قد تعرضت لقصف مماثل في أيار 2020.\n\n"
            "وتجدد القصف اليوم السبت 6 تشرين الثاني على القرى المجاورة.")
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    found = dates.find_dates(doc)
    today = next(m for m in found if m.text.startswith("صباح"))
    assert today.start_date == "2021-11-06"
    assert dates.incident_date(doc, found, near=(text.index("وأصيب"), text.index("بجروح"))).start == "2021-11-06"


def test_an_archive_picture_caption_is_no_incident_date() -> None:
    caption = "عناصر الدفاع المدني يطفئون حريقاً في بلدة سرمين، 9 أيلول 2020 (الدفاع المدني)"
    body = "قتل مدنيان بقصف مدفعي على بلدة سرمين اليوم الأحد 27 شباط."
    doc = TextDoc(text=arabic.normalise(f"قصف على سرمين\n\n{caption}\n\n{body}")[0], language="ar")
    found = dates.find_dates(doc)
    assert [m.kind for m in found if m.start_date == "2020-09-09"] == ["archive"]
    assert dates.incident_date(doc, found).start == "2022-02-27"
    # with no day of its own in the text, the caption's date is the only date: kept
    assert _date(f"قصف على سرمين\n\n{caption}\n\nقتل مدنيان بقصف مدفعي على البلدة.").start == "2020-09-09"
    # a line holding only a date is the text's date line, not a caption
    assert _date("قصف على سرمين\n\nالأحد 27 شباط 2022\n\nقتل مدنيان بقصف مدفعي على البلدة.").start == "2022-02-27"


def test_a_running_count_states_the_texts_year():
    # "منذ بداية العام الحالي 2023": the text is written in 2023
    d = _date("وثقت فرقنا منذ بداية العام الحالي 2023 أكثر من 900 هجوم. وقصفت قوات النظام القرية في 14 آب")
    assert (d.start, d.precision) == ("2023-08-14", "day")
    d = _date("ارتفع عدد الغارات منذ مطلع العام 2022 إلى 40 غارة، آخرها على البلدة يوم 3 أيلول")
    assert d.start == "2022-09-03"
    d = _date("هذا الهجوم هو العاشر خلال العام 2024 الجاري، وقد استهدف الحي في 7 شباط")
    assert d.start == "2024-02-07"


def test_a_background_year_lets_a_weekday_place_a_yearless_date():
    # 6 November is a Saturday in 2021, the nearest such year to the 2020 written
    d = _date("قتل مدنيان صباح اليوم السبت 6 تشرين الثاني بقصف على القرية، في خرق لاتفاق الموقع عام 2020")
    assert (d.start, d.precision) == ("2021-11-06", "day")


def test_a_pluperfect_sentence_recalls_an_earlier_event():
    text = ("قتل طفل بقصف مدفعي على المخيم بعد منتصف الليل.\n"
            "وكان ناشطون قد وثقوا في 20 تشرين الأول 2022 سقوط قذائف قرب المخيم.")
    doc = TextDoc(text=arabic.normalise(text)[0], published=None, language="ar")
    found = dates.find_dates(doc)
    assert [m.kind for m in found] == ["earlier"]
    assert dates.incident_date(doc, found).start is None
    # the same date told plainly is the incident's
    assert _date("وثق ناشطون في 20 تشرين الأول 2022 سقوط قذائف قرب المخيم.").start == "2022-10-20"


def test_since_inside_the_date_span_is_a_bound():
    # "منذ" opens the year's own span: a bound, neither the incident's date nor a year to fit a weekday to
    text = "تواصل القوات قصف المنطقة منذ عام 2015"
    doc = TextDoc(text=arabic.normalise(text)[0], published=None, language="ar")
    assert [m.kind for m in dates.find_dates(doc)] == ["since"]
    assert _date("قتل مدني صباح يوم الجمعة 22 تموز في قصف مستمر منذ عام 2015").start is None


def test_weekday_and_the_date_it_corresponds_to():
    # "الخميس الموافق 6 تشرين الأول": 6 October is a Thursday in 2022, near the 2020 written
    d = _date("قصفت الطائرات البلدة صباح يوم الخميس الموافق 6 تشرين الأول، بعد هدنة عام 2020")
    assert (d.start, d.precision) == ("2022-10-06", "day")
