"""Arabic places: invented sentences, resolved to the English gazetteer entries."""

import pytest

from strikewatch.extract import arabic, places
from strikewatch.extract.textutil import TextDoc


@pytest.fixture(scope="module")
def gaz():
    from strikewatch.extract.pipeline import load_resources

    return load_resources().gazetteer


def _loc(text: str, gaz):
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    return places.resolve_location(doc, places.find_places(doc, gaz))


def test_town_after_cue_with_countryside(gaz):
    loc = _loc("قصف الطيران الحربي بلدة كفرنبل في ريف إدلب الجنوبي", gaz)
    assert (loc.name, loc.admin1, loc.precision) == ("Kafr Nabl", "Idlib", "locality")


def test_attached_preposition_and_article(gaz):
    loc = _loc("سقطت قذائف على الأحياء السكنية بمدينة الأتارب غربي حلب", gaz)
    assert loc.name == "Al Atarib" and loc.admin1 == "Aleppo"


def test_spelling_variants_share_an_entry(gaz):
    a = _loc("غارة على مدينة معرّة النعمان", gaz)
    b = _loc("غارة على مدينة معره النعمان", gaz)
    assert a.gazetteer_id == b.gazetteer_id and a.admin1 == "Idlib"


def test_countryside_of_a_district(gaz):
    loc = _loc("قصف مدفعي على ريف جسر الشغور", gaz)
    assert loc.admin1 == "Idlib" and loc.precision in ("district", "locality")


def test_common_words_are_not_places(gaz):
    doc = TextDoc(text=arabic.normalise("قتل طفل وأصيب آخرون مساء أمس")[0], language="ar")
    assert places.find_places(doc, gaz) == []


def _found(text: str, gaz):
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    return doc, places.find_places(doc, gaz)


def test_hashtag_words_joined_by_underscores_are_one_name(gaz):
    loc = _loc("سقوط ضحايا بغارات جوية على مدينة #خان_شيخون", gaz)
    assert loc.name == "Khan Shaykhun" and loc.admin1 == "Idlib"


def test_article_written_onto_the_second_word_of_a_hashtag(gaz):
    _, found = _found("#ديرالزور\nعملية إنزال جوي ليلة أمس", gaz)
    assert [p.location.admin1 for p in found] == ["Deir ez-Zor"]


def test_direction_word_before_a_province_capital_means_the_province(gaz):
    _, found = _found("جرحى بقصف مدفعي غربي حلب", gaz)
    assert [(p.text, p.location.precision) for p in found] == [("حلب", "region")]


def test_headline_province_gives_way_to_the_town_in_the_account(gaz):
    text = ("مقتل مدنيين بقصف على ريف حلب الغربي\nالقصف تواصل منذ الصباح.\n"
            "وذكر ناشطون أن الحصيلة مرشحة للارتفاع.\nواستهدفت المدفعية بلدة كفرنوران بعشرات القذائف.")
    loc = _loc(text, gaz)
    assert loc.name == "Kafr Nuran" and loc.precision == "locality"


def _near_title(text: str, gaz):
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    return places.resolve_location(doc, places.find_places(doc, gaz), near=(0, doc.text.index("\n")))


def test_country_in_the_headline_gives_way_to_the_province(gaz):
    text = "غارة للتحالف شرق سوريا\nقال مصدر محلي إن الطائرات حلقت طويلا.\nووقعت الغارة في ريف دير الزور الشرقي"
    loc = _near_title(text, gaz)
    assert loc.admin1 == "Deir ez-Zor" and loc.precision == "region"


def test_headline_segment_takes_its_town_from_the_lines_under_it(gaz):
    text = ("إصابة مدنيين بقصف صاروخي غربي حلب\n\nآخر تحديث 11:42 دمشق\n\n"
            "أصيب مدنيان مساء الأربعاء جراء صاروخ أطلقته قوات النظام على سيارة قرب بلدة كفرنوران.")
    assert _near_title(text, gaz).name == "Kafr Nuran"  # in the headline's province: not the dateline's Damascus


def test_common_words_are_not_places_even_after_a_cue(gaz):
    # "عشر" (ten), "منزله" (his house), "المكان" (the place), "العمر" (age)
    _, found = _found("أصيب أكثر من عشر مدنيين في منزله، وكان في المكان طفل يبلغ من العمر ثلاث سنوات", gaz)
    assert found == []


def test_given_names_make_a_person_not_a_place(gaz):
    _, found = _found("قتل الشاب محمد ناصر ومعه محمود محمد في قصف على مدينة مارع", gaz)
    assert [p.text for p in found] == ["مارع"]


def test_particles_are_no_words_of_a_name(gaz):
    _, found = _found("وقال إن من بين القتلى طفلين وإنه لم يكن لك أن تعرف", gaz)
    assert found == []


def test_a_generic_head_and_an_unknown_rest_are_no_place(gaz):
    # "جبل الزاوية" is not in the gazetteer whole: neither "جبل" nor "الزاوية" alone is meant
    _, found = _found("قصف مدفعي على قرى جبل الزاوية", gaz)
    assert found == []


def test_a_quoted_name_after_a_cue_is_a_place(gaz):
    _, found = _found('قتلى بقصف على محيط "مارع"', gaz)
    assert [p.location.name for p in found] == ["Mari`"]


def test_other_scripts_names_of_countries_are_not_countries(gaz):
    # "تره" and "من" are Persian or Urdu names of Turkey and Yemen in the gazetteer
    _, found = _found("قصف على مدينة الباب ولم تره عين من قبل", gaz)
    assert [p.location.country for p in found] == ["SY"]


def test_a_country_named_again_weighs_little(gaz):
    text = "مجزرة في الباب. تركيا تقول إن المنطقة آمنة، وتركيا تنفي، وتركيا تعد بالتحقيق"
    doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
    _, countries = places._candidates_ar(doc, gaz, places._context_ar())
    assert countries == {"TR": 1.5}  # 0.5 a mention (2.0 in English)


def test_a_place_named_to_locate_another_is_not_the_incident(gaz):
    loc = _loc("طال قصف مدفعي صباحا بلدة الهيشة التي تقع غربي بلدة عين عيسى بريف الرقة", gaz)
    assert loc.text == "الهيشه"  # the normalised text


def test_a_namesake_far_from_the_town_named_to_locate_it_is_not_the_place(gaz):
    # the gazetteer's villages called "المستريحة" lie far from عين عيسى: the town named is the best known
    loc = _loc("طال قصف مدفعي صباحا بلدة المستريحة التي تقع غربي بلدة عين عيسى بريف الرقة", gaz)
    assert (loc.name, loc.admin1) == ("`Ayn `Isa", "Ar-Raqqah")


def test_the_whole_document_says_which_country_is_meant(gaz):
    # "عرب حسن" is known only as a village in Iraq: the Syrian town near it wins
    text = ("تصعيد في قرى مقاطعة منبج.\n\nضربت طائرة مسيرة قرية عرب حسن شمالي منبج ظهر اليوم."
            "\n\nوأصيبت امرأة بجروح.")
    loc = _loc(text, gaz)
    assert loc.country == "SY"


def test_a_hamlets_recorded_population_does_not_outweigh_the_province(gaz):
    # a namesake with a population of 7 elsewhere must not beat the one in the province named
    loc = _loc("#ديرالزور #البصيرة\nإنزال جوي للتحالف في مدينة البصيرة", gaz)
    assert loc.admin1 == "Deir ez-Zor"


def test_lone_words_are_not_far_away_towns(gaz):
    # "هوية" and "فان" are alternate names of towns in Vietnam and France
    _, found = _found("هوية المدني الذي استشهد، فان القصف مستمر", gaz)
    assert found == []


def test_word_keys_agree_with_the_gazetteers_arabic_key():
    from strikewatch.geo.gazetteer import arabic_key

    actx = places._context_ar()
    for w in ["الأتارب", "وبمدينة", "ديرالزور", "للرقة", "إدلب", "مؤسسة", "#", "ال", "كفرنبل"]:
        for _, form in places._ar_forms(arabic.normalise(w)[0], actx):
            assert places._word_key(form) == arabic_key(form), form


def test_canton_and_region_words_announce_a_place(gaz):
    _, found = _found("قصف تركي على قرى مقاطعة منبج في إقليم الجزيرة", gaz)
    assert [p.text for p in found][:1] == ["منبج"] and found[0].score >= 0.7


def test_a_named_site_is_found_by_its_places_english_name(gaz):
    # "سد تشرين": the gazetteer knows "Tishrin dam" (in English only) and the village "تشرين"
    doc, found = _found("تعرضت سيارة لقصف على الطريق المؤدي لسد تشرين جنوب منبج", gaz)
    site = found[0]
    assert (site.text, site.location.name, site.location.precision) == ("سد تشرين", "Tishrin dam", "exact")
    assert places.resolve_location(doc, found).name == "Tishrin dam"


def test_set_phrases_are_not_places(gaz):
    # "على الفور" (at once), "القرى" (the villages)
    _, found = _found("قتل على الفور وأصيب آخرون في القرى", gaz)
    assert found == []


def test_a_raid_or_an_airdrop_tells_of_the_incident(gaz):
    text = ("مداهمة لقسد بدعم من التحالف في بلدة الشحيل\n\nأسفرت عن قتيل وجريح\n\n"
            "وفي خبر آخر تواصل القصف على مدينة الميادين")
    assert _loc(text, gaz).name == "Shahil"


# --- a place the words around locate ("X بريف Y", "X غرب مدينة Y")


def test_a_homonym_gives_way_to_the_namesake_in_the_province_named(gaz):
    # "الطيبة" is also a big town in Israel, the country named; the words say it lies in the Daraa countryside
    text = "اعترضت إسرائيل صاروخا فسقطت شظاياه قرب بلدة الطيبة بريف درعا الشرقي فجرحت امرأة"
    loc = _loc(text, gaz)
    assert (loc.country, loc.admin1) == ("SY", "Daraa")


def test_the_name_settled_by_its_reference_is_the_same_place_elsewhere(gaz):
    # the headline names "الطيبة" bare; the account says which one it is
    text = ("جرحى في بلدة الطيبة\n\nقالت مصادر محلية إن الدفاعات الإسرائيلية اعترضت مسيرة فوق إسرائيل"
            " وسقطت شظاياها على بلدة الطيبة بريف درعا")
    doc, found = _found(text, gaz)
    assert {p.location.admin1 for p in found if p.text == "الطيبه"} == {"Daraa"}


def test_a_village_known_only_in_another_province_is_not_taken(gaz):
    # the gazetteer's "العطالة" lies in Deir ez-Zor, far from the Hasakah countryside the text names
    loc = _loc("قتل رجل في إنزال جوي على قرية العطالة بريف الحسكة الجنوبي", gaz)
    assert loc.admin1 == "Al-Hasakah"


def test_a_town_named_to_locate_a_village_does_not_make_it_stray(gaz):
    # صرين lies some 40 km from كوباني, the bigger town named to locate it
    loc = _loc("قصفت مسيرة قرية في ريف بلدة صرين الواقعة جنوب كوباني فقتل طفل", gaz)
    assert loc.name == "Sirrin ash Shamaliyah"


def test_a_curated_site_is_not_a_stray_homonym_of_a_big_town(gaz):
    loc = _loc("توفي متأثرا بجراحه بعد قصف طال المحتجين عند سد تشرين، في أحد مشافي كوباني", gaz)
    assert loc.name == "Tishrin dam"


# --- cue words and names


def test_the_dual_of_village_announces_two_towns(gaz):
    loc = _loc("جرح مدنيون بصواريخ طائرة حربية على قريتي سرجة وفركيا في جبل الزاوية", gaz)
    assert (loc.name, loc.admin1) == ("Sarjah", "Idlib")


@pytest.mark.parametrize("name, admin1, town", [
    ("كوباني", "Aleppo", "Kobani"), ("ديرك", "Al-Hasakah", "Derik"), ("الشدادي", "Al-Hasakah", "Al-Shaddadi"),
])
def test_towns_under_the_names_reports_use(gaz, name, admin1, town):
    loc = _loc(f"قصفت طائرة مسيرة منزلا في مدينة {name} فقتل شخصان", gaz)
    assert (loc.name, loc.admin1, loc.precision) == (town, admin1, "locality")


def test_a_bare_capital_gives_way_to_the_town_of_its_province_named_next(gaz):
    text = "قتلى بإنزال جوي في دير الزور.\nنفذت مروحيات التحالف إنزالا في مدينة البصيرة ليلا."
    assert _near_title(text, gaz).name == "Al Busayrah"


def test_the_city_named_as_a_city_stays(gaz):
    text = "غارة جوية على مدينة إدلب.\nوسقطت قذائف أيضا على بلدة سرمين."
    loc = _near_title(text, gaz)
    assert (loc.name, loc.precision) == ("Idlib", "locality")


def test_a_stopword_as_written_is_never_a_big_place_read_through_a_clitic() -> None:
    from strikewatch.extract import arabic
    from strikewatch.extract import places as P
    from strikewatch.extract.pipeline import load_resources
    from strikewatch.extract.textutil import TextDoc

    gaz = load_resources().gazetteer
    for text in ("وصلت فرقة الإسعاف إلى المكان بعد ساعة", "قتل ثلاثة مدنيين على الأقل في القصف"):
        doc = TextDoc(text=arabic.normalise(text)[0], language="ar")
        assert P.find_places(doc, gaz) == [], text
    # the place itself is still found
    doc = TextDoc(text=arabic.normalise("قصف على مدينة الرقة صباح اليوم")[0], language="ar")
    assert [p.location.name for p in P.find_places(doc, gaz)][:1] == ["Ar Raqqah"]


@pytest.mark.parametrize("text, name, admin1", [
    # the gazetteer knows these villages in Latin script only
    ("تضرر منزلان بقصف طال بلدة كنصفرة بريف إدلب الجنوبي", "Kansafrah", "Idlib"),
    ("استهدف قصف مدفعي قرية قرقوزاق شرقي حلب", "Qarah Qawzaq", "Aleppo"),
    # two words, the first a common word ("جديد")
    ("شنت طائرات مسيرة غارة على بلدة جديد عكيدات بريف دير الزور الشرقي", "Jadid `Uqaydat", "Deir ez-Zor"),
    # a final waw read as a vowel (the Kurdish "قامشلو")
    ("اشتباكات قرب مدينة قامشلو في محافظة الحسكة", "Al Qamishli", "Al-Hasakah"),
])
def test_a_village_after_its_cue_is_read_by_its_sound(gaz, text, name, admin1):
    loc = _loc(text, gaz)
    assert (loc.name, loc.admin1, loc.precision) == (name, admin1, "locality")


def test_a_sounded_reading_casts_no_vote_and_stays_in_the_country(gaz):
    doc, found = _found("قصف مدفعي على قرية كنصفرة", gaz)
    # nothing else says which country: a loose reading alone is no place
    assert found == []
    assert places.resolve_location(doc, found).name is None


def test_a_publisher_named_after_a_town_is_not_the_place(gaz):
    text = ("قتلى بغارة على إدلب... - أخبار مدينة سراقب\nFacebookأخبار مدينة سراقب's Post\n\n"
            "أخبار مدينة سراقبDecember 1, 2024 · Shared with Public"
            "قتل مدنيان بغارة جوية على سوق شعبي في إدلب")
    doc, found = _found(text, gaz)
    assert {p.role for p in found if p.location.name == "Saraqib"} == {"source"}
    assert places.resolve_location(doc, found).name == "Idlib"


def test_a_publisher_town_stands_when_nothing_else_is_named(gaz):
    text = ("نعي... - أخبار مدينة سراقب\nFacebookأخبار مدينة سراقب's Post\n\n"
            "أخبار مدينة سراقبDecember 1, 2024 · Shared with Publicنعي الشاب محمد الذي قتل بغارة جوية")
    doc, found = _found(text, gaz)
    assert places.resolve_location(doc, found).name == "Saraqib"


def test_the_hospital_the_wounded_were_taken_to_is_not_the_place(gaz):
    doc, found = _found("أصيب طفلان بقصف مدفعي على قرية صرين، ونقلا إلى مشفى مدينة كوباني لتلقي العلاج", gaz)
    assert {p.role for p in found if p.location.name == "Kobani"} == {"reference"}
    assert places.resolve_location(doc, found).name != "Kobani"


def test_the_village_a_victim_comes_from_is_not_the_place(gaz):
    doc, found = _found("قتل رجلان بقصف مدفعي على مدينة الدرباسية شمال الحسكة، أحدهما من قرية تل خنزير "
                        "والآخر من قرية تل الصدق", gaz)
    assert {p.role for p in found if p.location.name in ("Tall Khinzir", "Tall as Sidq")} == {"home"}
    assert places.resolve_location(doc, found).name == "Al-Darbasiyah"


def test_near_a_village_is_still_the_village(gaz):
    loc = _loc("سقطت قذائف بالقرب من قرية معرشورين شرقي إدلب", gaz)
    assert loc.name == "Ma`arr Shurin"


@pytest.mark.parametrize("side, west", [("الغربي", True), ("الشرقي", False)])
def test_the_side_of_the_countryside_picks_the_namesake(gaz, side, west):
    # two villages of this name lie in the province, one either side of its capital
    loc = _loc(f"ألقت طائرة مسيرة قنبلة على بلدة الربيعة بريف حماة {side}", gaz)
    assert loc.name == "Ar Rabi`ah" and loc.admin1 == "Hama"
    assert (loc.lon < 36.75) == west


def test_a_dateline_under_the_headline_is_skipped_for_the_town(gaz):
    text = ("غارات جوية في دير الزور\n\nدير الزور (سوريا) / وكالة الأنباء\n\n"
            "قتل ثلاثة مدنيين بقصف جوي على مدينة البصيرة شرقي سوريا، فجر الأحد.")
    assert _loc(text, gaz).name == "Al Busayrah"


def test_a_neighbourhood_in_a_city_lies_in_that_city(gaz):
    # a hamlet elsewhere in Yemen shares the neighbourhood's name: the city named next places it
    for text in ("سقطت قذائف هاون على حي الروضة وسط مدينة تعز عصر اليوم",
                 "سقطت قذائف هاون على حي الروضة في مدينة تعز عصر اليوم",
                 "سقطت قذائف هاون على حي الروضة بمدينة تعز عصر اليوم"):
        loc = _loc(text, gaz)
        assert (loc.name, loc.country) == ("Ta'izz", "YE"), text


def test_a_bakery_is_no_place(gaz):
    loc = _loc("غارات جوية على وسط بلدة كفرنبل قرب الفرن الآلي صباح اليوم", gaz)
    assert loc.name == "Kafr Nabl"


def test_a_series_of_raids_is_no_village(gaz):
    # "سلسلة" (a series) is also some hamlet's name
    loc = _loc("إصابة مدنيين في سلسلة هجمات على بلدة مارع", gaz)
    assert loc.text == "مارع"
