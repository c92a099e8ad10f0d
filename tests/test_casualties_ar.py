"""Arabic counts and casualty figures (invented sentences in the style of local reports)."""

from __future__ import annotations

import pytest

from strikewatch.extract.arabic import normalise
from strikewatch.extract.casualties import find_figures, reconcile
from strikewatch.extract.numbers import find_numbers, parse_number_ar
from strikewatch.extract.textutil import TextDoc, fold


def _doc(text: str) -> TextDoc:
    return TextDoc(text=normalise(text)[0], language="ar")


def _figs(text: str) -> list[tuple[str, str, int | None, int | None, str]]:
    return [(f.measure, f.group, f.low, f.high, f.qualifier) for f in find_figures(_doc(text), [])
            if not f.other_event]


def _best(text: str, key: str) -> int | None:
    rng = reconcile(find_figures(_doc(text), [])).to_dict().get(key) or {}
    return rng.get("best")


@pytest.mark.parametrize("words,value", [
    ("ثلاثة", 3), ("ثلاث", 3), ("عشرين", 20), ("خمسة وعشرون", 25), ("ثلاثة عشر", 13),
    ("أحد عشر", 11), ("اثنتا عشرة", 12), ("مئة", 100), ("مائتين", 200), ("ثلاث مئة", 300),
    ("مئة وعشرون", 120), ("خمسة آلاف", 5000), ("1,200", 1200),
])
def test_number_words(words: str, value: int) -> None:
    assert parse_number_ar(fold(normalise(words)[0])) == value


def test_digits_and_qualifiers() -> None:
    found = [(n.low, n.high, n.qualifier) for n in find_numbers(_doc("قتل ٧ أشخاص ونحو ۱۵ جريحاً"))]
    assert found == [(7, 7, "exact"), (15, 15, "about")]
    found = [(n.low, n.high, n.qualifier) for n in find_numbers(_doc("ما لا يقل عن عشرين قتيلاً"))]
    assert found == [(20, None, "at_least")]


def test_not_counts() -> None:
    doc = _doc("قصفت الطائرات يوم 14 آب 2019 عند الساعة 10 مواقع تبعد 5 كم عن الحي")
    assert find_numbers(doc) == []
    assert find_numbers(_doc("يوم الأحد")) == []


def test_killed_with_subset() -> None:
    figs = _figs("مقتل ٥ مدنيين بينهم طفلان جراء قصف مدفعي على البلدة")
    assert figs == [("killed", "civilians", 5, 5, "exact"), ("killed", "children", 2, 2, "exact")]
    assert _best("مقتل ٥ مدنيين بينهم طفلان جراء قصف مدفعي على البلدة", "civilians_killed") == 5


def test_toll_rose() -> None:
    assert _figs("وارتفعت حصيلة الشهداء إلى ١٢ شخصاً بعد وفاة أحد الجرحى") [:1] == [
        ("killed", "all", 12, 12, "exact")]


def test_injured_words() -> None:
    assert _figs("أصيب ثلاثة أشخاص بجروح متفاوتة في القصف") == [("injured", "all", 3, 3, "exact")]


def test_at_least_accusative() -> None:
    assert _figs("سقط ما لا يقل عن عشرين قتيلاً في الغارة") == [("killed", "all", 20, None, "at_least")]


def test_vague() -> None:
    assert _figs("ونقل عشرات الجرحى إلى المشافي القريبة") == [("injured", "all", 24, None, "vague")]


def test_duals_and_singulars() -> None:
    assert _figs("مقتل طفل وإصابة طفلين بغارة على القرية") == [
        ("killed", "children", 1, 1, "exact"), ("injured", "children", 2, 2, "exact")]
    assert _figs("شهيدان وعدد من الجرحى في القصف") == [
        ("killed", "all", 2, 2, "exact"), ("injured", "all", 2, None, "vague")]
    assert _figs("استشهاد مدنيين اثنين بقصف صاروخي") == [("killed", "civilians", 2, 2, "exact")]


def test_additive_list() -> None:
    text = "مقتل امرأة وطفلين في قصف على المخيم"
    assert _figs(text) == [("killed", "women", 1, 1, "exact"), ("killed", "children", 2, 2, "exact")]
    assert _best(text, "civilians_killed") == 3


def test_verb_after_and_groups() -> None:
    assert _figs("امرأة قتلت وأصيبت طفلة بالقصف") == [
        ("killed", "women", 1, 1, "exact"), ("injured", "children", 1, 1, "exact")]
    assert _figs("مقتل ثلاثة عناصر من قوات النظام") == [("killed", "combatants", 3, 3, "exact")]
    assert _figs("إصابة مسعف أثناء عمله") == [("injured", "medical_staff", 1, 1, "exact")]


def test_killed_and_injured_together() -> None:
    assert _figs("سقوط 7 شهداء وجرحى في القصف") == [("injured", "all", None, 7, "up_to")]


def test_named_victim() -> None:
    assert _figs('مقتل "سمير الحسن" بالإضافة إلى اثنين من أبنائه') == [
        ("killed", "all", 1, 1, "exact"), ("killed", "all", 2, 2, "exact")]


def test_zero_and_other_event() -> None:
    assert _figs("سقطت القذائف دون وقوع إصابات بشرية") [:1] == [("killed", "all", 0, 0, "exact")]
    figs = find_figures(_doc("مقتل 40 مدنياً منذ بداية الشهر في المنطقة"), [])
    assert figs and all(f.other_event for f in figs)


def test_spans_point_into_original() -> None:
    text = "مقتل ٥ مدنيين"
    norm, _ = normalise(text)
    f = find_figures(TextDoc(text=norm, language="ar"), [])[0]
    assert (f.start, f.end) == (0, len(norm))


def test_pronoun_and_one_of() -> None:
    assert _figs("استهدفت المسيرة سيارته ما أدى إلى مقتله على الفور") == [("killed", "all", 1, 1, "exact")]
    assert [f for f in _figs("وتوفي متأثراً بإصابته") if f[0] == "injured"] == []
    assert _figs("مقتل أحد العناصر بقصف على الموقع") == [("killed", "combatants", 1, 1, "exact")]
    assert _figs("مقتل أحد عشر مدنياً بغارة") == [("killed", "civilians", 11, 11, "exact")]


def test_named_victim_not_function_word() -> None:
    assert _figs("قتل حينها في الغارة") == []
    assert [f[:3] for f in _figs("وفاة سمير العلي وإصابة زوجته")] == [
        ("killed", "all", 1), ("injured", "women", 1)]


def test_life_lost_is_killed() -> None:
    assert _figs("فقدت سيدة حياتها وأصيب ثلاثة أشخاص آخرين بالقصف") == [
        ("killed", "women", 1, 1, "exact"), ("injured", "all", 3, 3, "exact")]
    assert _figs("وأسفر القصف عن فقدان شاب لحياته") == [("killed", "all", 1, 1, "exact")]
    assert _figs("فقدان 4 أشخاص في البادية") == [("missing", "all", 4, 4, "exact")]


def test_dual_verbs_and_died() -> None:
    assert _figs("وقال المراسل إن رجلين قُتلا في الغارة") == [("killed", "all", 2, 2, "exact")]
    assert _figs("قضى سبعة مدنيين بقصف على السوق") == [("killed", "civilians", 7, 7, "exact")]
    assert _figs("استشهد مواطنان بقصف مدفعي على الحي") == [("killed", "civilians", 2, 2, "exact")]
    assert _figs("إعدام 3 مدنيين في القرية") == [("killed", "civilians", 3, 3, "exact")]


def test_killed_and_injured_accusative_and_verbs() -> None:
    assert _figs("15 قتيلاً وجريحاً بغارات على البلدة") == [("injured", "all", None, 15, "up_to")]
    assert _figs("استشهد وأصيب عدد من الأهالي بالقصف") == [("injured", "civilians", None, 2, "up_to")]


def test_dead_and_wounded_without_count() -> None:
    # the plural says two or more dead, as a bare plural does; a count says nothing of them
    text = "شهداء وجرحى بقصف صاروخي على السوق"
    assert _figs(text) == [("injured", "all", None, 2, "up_to"), ("killed", "all", 2, None, "vague")]
    assert _best(text, "killed") == 2
    assert ("killed", "all", 2, None, "vague") in _figs("أسفر القصف عن عدد من القتلى والجرحى")
    assert _best("سقوط 7 شهداء وجرحى في القصف", "killed") is None


def test_single_casualty_noun_before_another() -> None:
    assert _figs("شهيدة وعدة إصابات بقصف على البلدة") == [
        ("killed", "all", 1, 1, "exact"), ("injured", "all", 2, None, "vague")]
    assert _figs("الشهيد بإذن الله سامر العلي") == []
    assert _figs("نسأل الله أن يتقبله شهيداً وأن يرحمه") == []


def test_quoted_names_after_each_of() -> None:
    assert _figs('مقتل كل من "رامي الخلف" و"ماهر السالم" بعملية إنزال') == [("killed", "all", 2, 2, "exact")]


def test_toll_over_weeks_is_other_event() -> None:
    figs = find_figures(_doc("وأدى القصف منذ أسابيع إلى مقتل 30 مدنياً في المنطقة"), [])
    assert figs and all(f.other_event for f in figs)


def test_kin_by_possessive() -> None:
    # "وطفلها", "وابنه": a relative named by a possessive is one more victim
    assert _best("استشهدت سيدة وطفلها بقصف مدفعي على القرية", "killed") == 2
    assert _best("مقتل رجل وابنه بغارة على الطريق", "killed") == 2


def test_measure_after_another_measure_names_the_victim() -> None:
    # "أسفر عن مقتل فلان": the first measure must not swallow the second
    assert _figs("أسفرت الغارة عن مقتل سمير العلي وهو قيادي في الفصيل") == [("killed", "all", 1, 1, "exact")]


def test_named_victim_then_kin_and_others() -> None:
    # a name after the first victim, then relatives: one each
    assert _best("استشهاد الحاج سالم الأحمد وابنه خالد في قصف على المزرعة", "killed") == 2
    # a description of the victim before the list goes on
    assert _best('مقتل "ماجد السالم" مختار القرية برفقة 3 أشخاص بقصف مدفعي', "killed") == 4
    assert _best('مقتل "ماجد السالم" وهو مدرس بالإضافة إلى اثنين من أبنائه', "killed") == 3
    # no list after a clause of its own
    assert _best('مقتل "ماجد السالم" في القصف مع استمرار الغارات على 3 قرى', "killed") == 1


def test_count_in_parentheses() -> None:
    assert _figs("مقتل (4) أشخاص وإصابة (9) آخرين بالقصف") == [
        ("killed", "all", 4, 4, "exact"), ("injured", "all", 9, 9, "exact")]


def test_new_measure_ends_a_subset() -> None:
    figs = _figs("ارتفعت الحصيلة اليوم إلى 20 قتيلاً بينهم 6 أطفال و3 نساء، و 70 جريحاً بينهم 25 طفلاً")
    assert ("killed", "children", 25, 25, "exact") not in figs
    assert ("injured", "all", 70, 70, "exact") in figs
    assert _best("ارتفعت الحصيلة اليوم إلى 20 قتيلاً بينهم 6 أطفال و3 نساء، و 70 جريحاً بينهم 25 طفلاً",
                 "children_killed") == 6


def test_and_more_than_is_not_a_hedge() -> None:
    # "وأكثر من 10" is a count of its own, not "6 and more"
    assert _figs("6 قتلى وأكثر من 10 معتقلين في الحملة")[:1] == [("killed", "all", 6, 6, "exact")]


def test_civilian_modifier_states_the_civilian_toll() -> None:
    assert _best("راح ضحيتها 5 أشخاص مدنيين في القرية", "civilians_killed") == 5


def test_relative_clause_victim() -> None:
    assert _figs("كشفت المصادر هوية المدني الذي استشهد في القصف") == [("killed", "civilians", 1, 1, "exact")]
    assert _figs('ودعت العائلة المتطوع "سامر الخطيب" الذي استشهد أثناء عمله') == [
        ("killed", "civilians", 1, 1, "exact")]
    # "الذي قتل" may be the killer: not read
    assert _figs("اعتقلت الشرطة الشاب الذي قتل جاره") == []


def test_body_recovered() -> None:
    assert _figs("انتشلت الفرق جثمان رجل من تحت الأنقاض") == [("killed", "all", 1, 1, "exact")]
    assert _best("عثر الأهالي على جثة الشاب \"رامي الحسين\" قرب الطريق", "killed") == 1


def test_count_after_first_toll_phrase() -> None:
    assert _figs("وراح ضحيتها في حصيلة أولية 9 وأصيب 20 آخرون")[:1] == [("killed", "all", 9, 9, "exact")]


def test_spent_is_not_died() -> None:
    assert _figs("قضت المدينة ليلة صعبة تحت القصف") == []


def test_teaser_headlines_in_arabic() -> None:
    text = ("استهدف قصف مدفعي بلدة في ريف إدلب صباح اليوم، ما أدى إلى مقتل مدنيين اثنين وإصابة آخرين.\n"
            "مقتل 15 شخصاً بانفجار في مدينة أخرى\n"
            "أخبار ذات صلة")
    assert _best(text, "killed") == 2


def test_dual_verb_after_names() -> None:
    assert _figs("الشاب رامي الحسن والطفل عمر الخالد، قتلا في قصف على الطريق") == [
        ("killed", "all", 2, 2, "exact")]
    # an adverb in the accusative is no verb: "قتلاً" after a noun, no comma
    assert _figs("تعرض الأهالي للتهديد قتلا وتهجيرا") == []


def test_verb_first_with_a_short_phrase() -> None:
    assert _figs("وقتل خلال الاشتباك شخصان من أبناء القرية") == [("killed", "all", 2, 2, "exact")]
    assert _figs("أصيب جراء القصف ثلاثة مدنيين بجروح") == [("injured", "civilians", 3, 3, "exact")]
    # no count or person noun after the phrase: nothing
    assert _figs("وقتل خلال الاشتباك قائد المجموعة") == []


def test_single_casualty_noun_with_its_person() -> None:
    assert _figs("شهيدة طفلة وجرحى من عائلتها بقصف مدفعي") [:1] == [("killed", "children", 1, 1, "exact")]


def test_title_then_quoted_name() -> None:
    assert _figs('أسفرت العملية عن مقتل القيادي البارز "أبو خالد السوري" قرب الحدود') == [
        ("killed", "all", 1, 1, "exact")]


def test_measure_glued_to_previous_word() -> None:
    # scraped posts join a title to the text without a space
    assert _figs("قصف يستهدف محطة المياهاستشهد 6 أشخاص جراء القصف") == [("killed", "all", 6, 6, "exact")]
    assert _figs("منح الاستشهاد 6 أوسمة") == []


def test_habitual_result_is_no_toll() -> None:
    text = "قتل مدني بقصف على القرية. وتتعرض المنطقة لقصف شبه يومي ما يسفر عن وقوع ضحايا مدنيين"
    assert _best(text, "killed") == 1
    # a past result stays a figure
    assert _best("استهدف القصف السوق ما أسفر عن وقوع ضحايا مدنيين", "killed") == 2


def _incident_best(text: str, key: str) -> int | None:
    from strikewatch.extract.pipeline import extract_dict

    reports = extract_dict({"id": "t", "text": text, "language": "ar", "published": "2022-03-10"})["reports"]
    return reports[0]["casualties"].get(key, {}).get("best")


@pytest.mark.parametrize("text,key,best", [
    # a pluperfect sentence ("وكانت … قد") tells of an earlier attack
    ("قتل ثلاثة مدنيين اليوم بقصف مدفعي على بلدة كفرنبل جنوبي ادلب. وكانت قوات النظام قد قصفت "
     "البلدة الشهر الفائت ما ادى الى مقتل سبعة مدنيين.", "civilians_killed", 3),
    # a date of last month
    ("قتل طفلان بقصف صاروخي على قرية البارة في ريف ادلب. وفي 3 من آذار الماضي، قتل خمسة مدنيين "
     "في قصف مماثل على القرية.", "killed", 2),
    # another weekday, yesterday
    ("قتلت امرأتان اليوم الأربعاء بقصف مدفعي على مدينة أريحا. والثلاثاء، قتل ستة أشخاص بقصف على "
     "المدينة ذاتها.", "killed", 2),
    ("أصيب طفلان بقصف على بلدة سرمين. وأمس الأحد، أصيب تسعة مدنيين بقصف مماثل.", "injured", 2),
    # the incident's own (first) figure stands even in the past tense
    ("قتل خمسة مدنيين في قصف يوم الخميس الماضي على بلدة سرمين.", "killed", 5),
])
def test_a_figure_set_in_an_earlier_time_after_the_incidents_own_is_another_events(
        text: str, key: str, best: int) -> None:
    assert _incident_best(text, key) == best


def test_mark_earlier_flags_only_what_follows_the_incidents_first_figure() -> None:
    from strikewatch.extract.casualties import mark_earlier

    doc = _doc("وكانت الطائرات قد قصفت القرية ما ادى الى مقتل اربعة مدنيين. وقتل مدنيان اثنان اليوم.")
    figs = [f for f in find_figures(doc, []) if f.measure == "killed"]
    mark_earlier(doc, figs)
    assert [f.other_event for f in figs] == [False, False]  # the first is the incident's, the second no earlier


def test_a_lone_victim_told_again_outranks_another_strikes_count() -> None:
    text = ("استشهد مدني بقصف مدفعي على القرية اليوم. وقال مراسلنا إن مدنيا استشهد أثناء عمله في أرضه. "
            "وكانت الطائرات استهدفت مخيما قريبا، وأسفر القصف عن استشهاد تسعة مدنيين.")
    assert _best(text, "civilians_killed") == 1
    # told once only, the one is a victim among the larger count
    text = "استشهد مدني بقصف على القرية. وأسفر القصف عن استشهاد تسعة مدنيين."
    assert _best(text, "civilians_killed") == 9
    # others said to have died with him: not a lone victim
    text = ("أعلن الجيش مقتل القيادي في الغارة. وأدى الانفجار إلى مقتله ومقتل أفراد من عائلته. "
            "وأكد المسؤول مقتل القيادي. وقال الدفاع المدني إن الغارة أسفرت عن مقتل 11 شخصا.")
    assert _best(text, "killed") == 11


def test_yesterday_is_earlier_but_last_night_is_the_incidents_time() -> None:
    from strikewatch.extract.casualties import mark_earlier

    assert _incident_best("قتل شاب بقصف مدفعي على بلدة مارع. وأعلن الفصيل يوم أمس قتل عناصر من "
                          "القوات المهاجمة.", "killed") == 1
    # "last night" is the incident's own time in a morning report
    doc = _doc("قتل مدنيان بغارة على القرية. وأدى القصف الليلة الماضية إلى مقتل ثلاثة أشخاص آخرين.")
    figs = [f for f in find_figures(doc, []) if f.measure == "killed"]
    mark_earlier(doc, figs)
    assert len(figs) == 2 and [f.other_event for f in figs] == [False, False]
    doc = _doc("قتل مدنيان بغارة على القرية. وأدى القصف الأسبوع الماضي إلى مقتل ثلاثة أشخاص آخرين.")
    figs = [f for f in find_figures(doc, []) if f.measure == "killed"]
    mark_earlier(doc, figs)
    assert [f.other_event for f in figs] == [False, True]


def test_words_of_a_count_are_no_town_that_starts_an_incident() -> None:
    # "على الأقل" is no village ("الأقل"): the lead and the toll stay one incident
    text = ("أعلن الدفاع المدني تفاصيل الإنزال الجوي في بلدة أطمة بريف إدلب الشمالي.\n\n"
            "وقال إن طفلة أصيبت بجروح في المكان.\n\n"
            "وأكد أن الفرق انتشلت جثث 9 أشخاص على الأقل قتلوا بقصف واشتباكات عقب الإنزال.")
    assert _incident_best(text, "killed") == 9


def test_bare_plural_gives_way_to_a_counted_group() -> None:
    # "قتلى وجرحى" in a headline says some died; the counted woman gives the civilians' toll
    text = "سقوط قتلى وجرحى بقصف على البلدة. وقتلت امرأة وأصيب طفلان في القصف."
    assert _best(text, "civilians_killed") == 1


def test_dual_civilians_state_the_civilian_toll() -> None:
    (f,) = [f for f in find_figures(_doc("استشهد مدنيان بقصف على القرية"), []) if f.measure == "killed"]
    assert (f.group, f.low, f.part) == ("civilians", 2, False)


def test_a_vague_quantity_of_things_is_no_count() -> None:
    assert find_numbers(_doc("سقطت عدة قذائف على الحي وعشرات الغارات على الريف")) == []
    assert _figs("رصد النشطاء سقوط عدة قذائف على المخيم") == []


def test_a_count_after_a_date_line() -> None:
    assert _figs("12.03.2022\n3 شهداء وعدد من الجرحى بقصف على البلدة")[:1] == [("killed", "all", 3, 3, "exact")]


@pytest.mark.parametrize("text", [
    "وأحصى الفريق مقتل 12 مدنياً في هجمات على المنطقة",
    "ووفق إحصائية للمنظمة قتل 30 مدنياً في المنطقة",
    "ومنذ افتتاح المخيم قتل 5 أشخاص بالقصف",
])
def test_tallies_are_other_events(text: str) -> None:
    assert _figs(text) == []


def test_a_bound_on_the_civilians_is_no_estimate_beside_a_count() -> None:
    text = "قتل وجرح 20 مدنياً بقصف على المدينة، وأصيب 8 أشخاص بجروح."
    assert _best(text, "injured") == 8
    assert _best(text, "civilians_injured") is None


def test_assassination_is_a_killing_an_attempt_is_not() -> None:
    assert _figs("أعلنت القيادة اغتيال عنصرين من التنظيم بغارة جوية قرب البلدة") == [
        ("killed", "combatants", 2, 2, "exact")]
    assert _figs("نجا القيادي من محاولة اغتيال عنصرين من التنظيم قرب البلدة") == []



def test_of_one_family_stands_between_the_victims_and_their_measure() -> None:
    text = "قال الدفاع المدني إن 6 مدنيين من عائلة واحدة أصيبوا بقصف على البلدة"
    assert _figs(text) == [("injured", "civilians", 6, 6, "exact")]
    assert _best("مقتل 8 أشخاص من أسرة واحدة بينهم 5 أطفال بقصف على القرية", "children_killed") == 5


def test_subsets_after_the_wounds() -> None:
    text = "إصابة 7 مدنيين بجروح متفاوتة، بينهم 4 أطفال، بقصف مدفعي على البلدة"
    assert _best(text, "civilians_injured") == 7
    assert _best(text, "children_injured") == 4



def test_killed_or_injured_fighters_only_bound_the_injured() -> None:
    # a count of the dead and the injured together floors the injured's upper end, not its best
    text = "قتل مدني وأصيب 3 آخرون بقصف على البلدة، فيما قتل وجرح أكثر من 15 عنصراً في اشتباكات قربها."
    assert _best(text, "injured") == 3
    text = "استشهدت سيدة وأصيبت اثنتان أخريان، وكانت حصيلة القصف استشهاد وإصابة 4 نساء في القرية."
    assert _best(text, "injured") == 2


@pytest.mark.parametrize("text,group", [
    ("تسبب القصف المدفعي بإصابة مزارعين في أرضهم قرب القرية", "civilians"),
    ("أدت الغارة إلى إصابة عاملين في ورشة لصيانة السيارات", "civilians"),
])
def test_workers_named_by_trade_are_a_plural(text: str, group: str) -> None:
    assert _figs(text) == [("injured", group, 2, None, "vague")]


def test_more_than_written_glued() -> None:
    assert _figs("أسفر القصف عن إصابة مايزيد عن 9 أشخاص في السوق") == [("injured", "all", 9, None, "more_than")]


def test_one_of_the_injured_is_no_count() -> None:
    # "وأحد" folds to "واحد": one of the injured already counted, not one more
    assert _best("أصيب 6 مدنيين في القصف، وأحد المصابين في حالة حرجة", "injured") == 6
    assert _figs("كان في السيارة رجلان (القتيل وأحد المصابين) عند سقوط القذيفة") == []


def test_one_dead_and_injured_with_no_count() -> None:
    assert _figs("شهيد وجرحى بقصف مدفعي على بلدة الأتارب") == [
        ("killed", "all", 1, 1, "exact"), ("injured", "all", 2, None, "vague")]


@pytest.mark.parametrize("text", [
    "عاجل: جرحى مدنيون بقصف صاروخي على أطراف مدينة الباب",
    "إصابات في صفوف المدنيين جراء قصف مدفعي على قرية في ريف منبج",
    "جرحى بينهم أطفال باستهداف سيارة على طريق القرية",
])
def test_bare_injured_heading_a_headline(text: str) -> None:
    assert _figs(text) == [("injured", "all", 2, None, "vague")]


def test_brothers_and_father_add_to_the_injured() -> None:
    assert _best("قتل طفل بقصف على منزله، وأصيب عمه مع 2 من إخوته وأبيه", "injured") == 4
