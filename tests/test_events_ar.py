"""Arabic event cues, weapons, aircraft, targets and the attack/no-attack
decision (invented sentences only), read through the normalised text as the
pipeline does."""

from __future__ import annotations

from strikewatch.extract import arabic
from strikewatch.extract import events as E
from strikewatch.extract.lexicon import Entry, Lexicon, word_regex
from strikewatch.extract.textutil import TextDoc


def _doc(text: str) -> TextDoc:
    return TextDoc(text=arabic.normalise(text)[0], language="ar")


def _all(text: str):
    doc = _doc(text)
    ev = E.find_events(doc)
    return doc, ev, E.find_weapons(doc), E.find_aircraft(doc)


def _norm(s: str) -> str:
    return arabic.normalise(s)[0]


def test_lexicon_arabic_clitics_article_and_spelling() -> None:
    lex = Lexicon("t", [("غارة جوية", Entry("air")), ("الطيران الحربي", Entry("jets")), ("مشفى", Entry("h"))])
    found = lambda s: [m.entry.label for m in lex.finditer(_norm(s))]  # noqa: E731
    assert found("وبالغارة الجوية") == ["air"]  # clitics and article on every word
    assert found("للطيران الحربي") == ["jets"]  # ل + ال written لل
    assert found("طيران حربي") == []  # the phrase's article is required
    assert found("المشفى ومشفاهم") == ["h"]  # alef maqsura / yeh unified, ending allowed
    assert found("مشفيات") == ["h"]
    assert found("الطيرانات") == []


def test_lexicon_english_unchanged_beside_arabic() -> None:
    lex = Lexicon("t", [("air strike", Entry("en")), ("غارة", Entry("ar"))])
    assert [m.entry.label for m in lex.finditer("an airstrike and a غاره")] == ["en", "ar"]
    assert word_regex(["قصف"]).search(_norm("بعد القصف")) is not None


def test_air_strike_warplanes_and_barrel_bombs() -> None:
    doc, ev, we, ac = _all("شنّ الطيران الحربي غارتين جويتين على بلدة كفر تجربة، وألقى الطيران المروحي براميل متفجرة على أطرافها.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    assert "barrel bomb" in {w.weapon for w in we}
    assert {a.aircraft for a in ac} >= {"warplane", "helicopter"}
    for e in ev:
        assert doc.text[e.start:e.end] == e.text


def test_drone_strike_not_a_march() -> None:
    doc, ev, we, ac = _all("استهدفت طائرة مسيّرة تركية سيارة مدنية على الطريق الواصل بين القريتين.")
    assert E.event_type(doc, ev, we, ac) == "drone_strike"
    doc, ev, _, _ = _all("خرجت مسيرة احتجاجية في وسط المدينة للمطالبة بالإفراج عن المعتقلين.")
    assert not [e for e in ev if e.event_type == "drone_strike"]


def test_shelling_rockets_and_mortars() -> None:
    doc, ev, we, ac = _all("سقطت قذائف هاون على الحي الشرقي بعد قصف مدفعي وصاروخي براجمات الصواريخ.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    assert {"mortar", "rocket"} <= {w.weapon for w in we}


def test_explosive_device_and_chemical() -> None:
    doc, ev, we, ac = _all("انفجرت عبوة ناسفة مزروعة في سيارة قرب دوار البلدة ظهر اليوم.")
    assert E.event_type(doc, ev, we, ac) == "explosive_device"
    doc, ev, we, ac = _all("سُجّلت حالات اختناق بين المدنيين بعد قصف بقذائف تحمل غاز الكلور.")
    assert E.event_type(doc, ev, we, ac) == "chemical_attack"
    assert "chlorine" in {w.weapon for w in we}


def test_ground_attack_sniper_and_abduction() -> None:
    doc, ev, we, ac = _all("قُتل شاب برصاص قناص أثناء عمله في أرضه الزراعية.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    doc, ev, we, ac = _all("أقدم مسلحون على اختطاف طبيب من عيادته واقتياده إلى جهة مجهولة.")
    assert "abduction" in {e.event_type for e in ev}


def test_targets_hit_not_where_taken() -> None:
    doc = _doc("استهدفت غارة جوية مشفى البلدة ومدرسة ابتدائية، ونُقل الجرحى إلى مستشفى المدينة.")
    ev = E.find_events(doc)
    kinds = [t.type for t in E.find_targets(doc, ev)]
    assert kinds.count("health_facility") == 1 and "school" in kinds
    doc = _doc("تعرض الفرن الآلي في الحي لقصف صاروخي صباح اليوم.")
    assert "bakery" in {t.type for t in E.find_targets(doc, E.find_events(doc))}


def test_attack_or_not() -> None:
    doc = _doc("قُتل ثلاثة مدنيين وأصيب خمسة آخرون جراء غارات جوية على سوق البلدة.")
    assert E.describes_attack(doc, E.find_events(doc), True)
    doc = _doc("خرجت مظاهرات في عدة مدن للمطالبة بالإفراج عن المعتقلين، ورفع المتظاهرون لافتات وهتافات.")
    assert not E.describes_attack(doc, E.find_events(doc), False)
    doc = _doc("أعلنت الحكومة عن اتفاق لوقف إطلاق النار بعد اجتماع وزير الخارجية مع الوفد الزائر.")
    assert not E.describes_attack(doc, E.find_events(doc), False)


def test_english_doc_unchanged() -> None:
    doc = TextDoc("Warplanes struck the market in the town, killing four.")
    assert E._lang(doc) == "en"
    assert E.event_type(doc, E.find_events(doc), E.find_weapons(doc), E.find_aircraft(doc)) == "air_strike"


def test_hashtag_words_and_underscores() -> None:
    doc, ev, we, ac = _all("#عاجل | #مجزرة_السوق بعد #غارة_جوية على البلدة")
    assert "air_strike" in {e.event_type for e in ev}
    assert word_regex(["دير الزور"]).search(_norm("#دير_الزور")) is not None


def test_harm_in_verb_forms_and_targeted_things() -> None:
    # "a woman was killed", "the militia killed him", "they were wounded",
    # "the targeted car", "two bodies": violence the noun forms do not reach
    for text, kind in [("قُتلت امرأة في البلدة", "harm"), ("شاب قتلته ميليشيا مسلحة", "harm"),
                       ("أصيبوا في الحي الشرقي", "harm"), ("عثر على جثتين قرب الطريق", "harm"),
                       ("احترقت السيارة المستهدفة على الطريق", "act")]:
        assert kind in E._violence_kinds(_doc(text)), text


def test_a_raid_that_killed_is_an_attack_whatever_the_arrests() -> None:
    doc = _doc("نفذت قوات التحالف عملية إنزال في البلدة أدت لمقتل طفل وإصابة والده، واعتقال ثلاثة أشخاص. "
               "وقالت مصادر إن الاعتقال شمل أقارب المعتقلين، وإن حملة الاعتقالات مستمرة بعد اعتقال شخصين آخرين. "
               "وكانت القوات قد اعتقلت أمس عددا من الأشخاص في مداهمة للقرية المجاورة.")
    assert E.describes_attack(doc, E.find_events(doc), True)
    # arrests alone stay no attack
    doc = _doc("نفذت قوات الأمن حملة اعتقالات في البلدة واعتقلت ثلاثة أشخاص")
    assert not E.describes_attack(doc, E.find_events(doc), False)


def test_a_ceasefire_is_no_shooting() -> None:
    doc = _doc("أعلن الطرفان عن اتفاق لوقف إطلاق النار بعد اجتماع في العاصمة")
    assert not [e for e in E.find_events(doc) if e.event_type == "ground_attack"]


def test_raid_under_air_cover_is_an_attack_a_plain_arrest_is_not() -> None:
    def decide(text: str) -> tuple[bool, str | None]:
        doc, ev, weapons, aircraft = _all(text)
        return E.describes_attack(doc, ev, False), E.event_type(doc, ev, weapons, aircraft)

    assert decide("داهمت قوات خاصة منزلاً في القرية بدعم جوي من طيران التحالف واعتقلت رجلين.") == (True, "ground_attack")
    assert decide("اعتقلت دورية أمنية رجلين خلال مداهمة منزل في القرية.")[0] is False


def test_missiles_fired_or_fallen_are_an_attack() -> None:
    for text in ("أطلقت القوات عدة صواريخ من قاعدتها باتجاه الوادي مساء اليوم.",
                 "سقوط صاروخين على أطراف القرية دون ورود أنباء عن إصابات."):
        doc, ev, _, _ = _all(text)
        assert E.describes_attack(doc, ev, False), text
        # a rocket alone, fired from the ground: rocket artillery
        assert {e.event_type for e in ev} == {"shelling"}
    doc, ev, _, _ = _all("سقوط قذيفة هاون قرب المدرسة.")
    assert E.describes_attack(doc, ev, False) and "shelling" in {e.event_type for e in ev}


def test_bare_rocket_is_rocket_artillery_a_named_missile_is_not() -> None:
    doc, ev, weapons, aircraft = _all("سقطت صواريخ على حي سكني في المدينة وأصيب ثلاثة مدنيين.")
    assert E.event_type(doc, ev, weapons, aircraft) == "shelling"
    doc, ev, weapons, aircraft = _all("استهدف صاروخ بالستي حياً سكنياً في المدينة وأصيب ثلاثة مدنيين.")
    assert E.event_type(doc, ev, weapons, aircraft) == "missile_strike"
    doc, ev, weapons, aircraft = _all("شنت الطائرات الحربية غارات جوية بالصواريخ على أطراف البلدة.")
    assert E.event_type(doc, ev, weapons, aircraft) == "air_strike"


def test_a_phrase_with_the_article_is_not_cut_short_by_a_shorter_one() -> None:
    # "القصف" alone must not shadow "القصف المدفعي" (nor "الهجوم" the chemical attack,
    # nor "المسيرة" a protest march)
    doc, ev, _, _ = _all("أصيب طفلان جراء القصف المدفعي على أطراف البلدة.")
    assert [e.event_type for e in ev] == ["shelling"]
    doc, ev, _, _ = _all("وثق الناشطون الهجوم الكيماوي على الحي الشرقي.")
    assert "chemical_attack" in {e.event_type for e in ev}
    doc, ev, _, _ = _all("انطلقت المسيرة الاحتجاجية من ساحة البلدية.")
    assert not [e for e in ev if e.event_type == "drone_strike"]


def test_accusative_bombardment_with_its_means() -> None:
    doc, ev, we, ac = _all("نفذت القوات قصفاً مدفعياً على قرية في الريف الغربي وقتل مدني.")
    assert E.event_type(doc, ev, we, ac) == "shelling"


def test_a_generic_bombardment_word_yields_to_the_means_named() -> None:
    text = ("قتل رجلان في قصف على القرية. وقال الدفاع المدني إن القصف استهدف منازل المدنيين، "
            "وإن القوات قصفت القرية بقذائف المدفعية. وتواصل القصف حتى المساء.")
    doc, ev, we, ac = _all(text)
    assert E.event_type(doc, ev, we, ac) == "shelling"
    # with nothing that says how, bombardment stays an air strike (the default)
    doc, ev, we, ac = _all("قتل رجلان في قصف على القرية وتواصل القصف حتى المساء.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_targeting_a_town_with_no_weapon_is_a_strike_not_a_ground_attack() -> None:
    doc, ev, we, ac = _all("قتل ثلاثة مدنيين بعد أن استهدفت قوات الجيش البلدة مساء أمس.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("نفذ العدو عدواناً جوياً على مواقع قرب المدينة وأصيب جنديان.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    # shooting named: a ground attack whatever was targeted
    doc, ev, we, ac = _all("استهدف مسلحون سيارة برصاص الرشاشات فقتل سائقها.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_a_massacre_committed_by_a_force_is_a_strike_unless_shooting_is_named() -> None:
    doc, ev, we, ac = _all("ارتفعت حصيلة المجزرة التي ارتكبتها قوات الجيش في البلدة إلى ستة قتلى.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("ارتفعت حصيلة المجزرة التي ارتكبتها قوات الجيش إلى ستة قتلى أعدموا رمياً بالرصاص.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_bombardment_by_a_force_with_no_aircraft_is_shelling() -> None:
    doc, ev, we, ac = _all("أصيب مزارع في قصف المرتزقة على قرية في ريف المدينة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    doc, ev, we, ac = _all("أصيب مزارع في تجدد قصف الجيش التركي البري على القرية.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    # the agent must follow the bombardment word in its clause
    doc, ev, we, ac = _all("أصيب مزارع في قصف على القرية. وقالت الفصائل إنها سترد.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_troops_backed_by_aircraft_and_raids_are_ground_operations() -> None:
    doc, ev, we, ac = _all("شنت قوات محلية مدعومة بطائرات التحالف حملة مداهمات في بلدة وقتل شاب خلالها.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    # a raid that kills is fought on the ground, whatever it "targeted"
    doc, ev, we, ac = _all("داهمت دورية منزلاً في القرية واستهدفت صاحبه فقتلته.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_rockets_in_an_air_strike_sentence_are_the_aircraft_s() -> None:
    doc, ev, we, ac = _all("نفذ العدو عدواناً جوياً بالصواريخ على مواقع قرب المدينة. وتصدت الدفاعات لبعض الصواريخ.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    # without the air strike, the rockets are rocket artillery
    doc, ev, we, ac = _all("سقطت صواريخ على مواقع قرب المدينة وتصدت الدفاعات لبعضها.")
    assert E.event_type(doc, ev, we, ac) == "shelling"


def test_one_incident_told_with_generic_words_takes_the_means_the_text_names() -> None:
    text = "قتل مدني في قصف على القرية صباحاً. وكانت القوات قد قصفت القرية نفسها بقذائف المدفعية أمس."
    doc, ev, we, ac = _all(text)
    cut = doc.text.index(".") + 1
    inside = [e for e in ev if e.start < cut]
    assert inside and all(e.event_type == "air_strike" for e in inside)
    assert E.event_type(doc, inside, [w for w in we if w.start < cut], [], near=(0, cut)) == "shelling"


def test_an_anti_tank_guided_missile_is_surface_fire() -> None:
    doc, ev, we, ac = _all("أصيب ثلاثة مدنيين بعد أن استهدفت القوات سيارتهم بصاروخ موجه قرب البلدة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    assert [(w.weapon, w.event_type) for w in we] == [("anti-tank missile", "shelling")]
    # fired from a helicopter, it is the helicopter's strike
    doc, ev, we, ac = _all("أطلقت طائرة مروحية صاروخاً موجهاً على سيارة قرب البلدة.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_bombardment_by_an_army_or_its_forces_is_shelling() -> None:
    for text in ("أصيب رجل في قصف قوات النظام على أطراف القرية.",
                 "أصيب رجل في قصف جيش الاحتلال على أطراف القرية.",
                 "أصيب رجل بقصف استهدف القرية من قبل القوات الحكومية."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "shelling", text
    # its aircraft are named as such
    doc, ev, we, ac = _all("أصيب رجل في قصف طيران النظام على أطراف القرية.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_heavy_weapons_heavy_machine_guns_and_projectiles_are_shelling() -> None:
    doc, ev, we, ac = _all("أصيب طفل بنيران الرشاشات الثقيلة على أطراف البلدة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    doc, ev, we, ac = _all("تعرضت القرية لقصف بالأسلحة الثقيلة وأصيب مزارع.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    doc, ev, we, ac = _all("أصيب طفل بشظايا مقذوف سقط قرب منزله.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    # a light machine gun is still shooting
    doc, ev, we, ac = _all("أطلق مسلحون النار من رشاش على سيارة فأصيب سائقها.")
    assert E.event_type(doc, ev, we, ac) == "ground_attack"


def test_people_under_the_rubble_were_bombed() -> None:
    doc, ev, we, ac = _all("انتشلت فرق الإنقاذ جثتي امرأة وطفلها من تحت الأنقاض في البلدة.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    # a weak, generic word: the means named wins
    doc, ev, we, ac = _all("انتشلت فرق الإنقاذ جثتي امرأة وطفلها من تحت الأنقاض بعد قصف مدفعي على البلدة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"


def test_an_attack_that_says_how() -> None:
    doc, ev, we, ac = _all("أصيب ثلاثة مدنيين في هجوم صاروخي على البلدة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"
    doc, ev, we, ac = _all("أصيب ثلاثة مدنيين في هجوم جوي على البلدة.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_sustained_bombardment_is_artillery_fire() -> None:
    for text in ("تعرضت القرية لقصف عنيف أسفر عن إصابة مزارع.",
                 "أصيب مزارع في القصف التركي المكثف على القرية.",
                 "أصيب مزارع في تجدد قصف الجيش على القرية.",
                 "أصيب مزارع في القرية مساء أمس، ولا يزال القصف مستمرا."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "shelling", text
    # the word must qualify the bombardment itself
    doc, ev, we, ac = _all("أصيب مزارع في قصف على القرية الواقعة على الطريق الدولي، وسط توتر مستمر منذ أشهر.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_shells_are_artillery() -> None:
    doc, ev, we, ac = _all("قصفت القوات البلدة بعشرات القذائف وقتلت امرأة.")
    assert "artillery" in {w.weapon for w in we}
    # the shells outvote a raid told in passing later
    text = ("قتلت امرأة حين قصفت القوات البلدة بعشرات القذائف صباحاً. "
            "وقالت مصادر إن الأهالي نزحوا نحو المخيمات القريبة بعد ساعات. "
            "ونفذت طائرة عدة غارات على قرية أخرى بعيدة.")
    doc, ev, we, ac = _all(text)
    assert E.event_type(doc, ev, we, ac, near=(0, len(doc.text))) == "shelling"


def test_a_heliborne_landing_is_fought_on_the_ground() -> None:
    text = "نفذت مروحيات التحالف عملية إنزال جوي على منزل في البلدة وقتل شخصان خلال الغارة."
    doc, ev, we, ac = _all(text)
    assert E.event_type(doc, ev, we, ac) == "ground_attack"
    # without a landing, helicopters and a raid are an air strike
    doc, ev, we, ac = _all("شنت مروحيات التحالف غارة على منزل في البلدة وقتل شخصان.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_missiles_of_an_air_power_are_an_air_strike() -> None:
    doc, ev, we, ac = _all("قتل عنصران بقصف صاروخي إسرائيلي استهدف مواقع قرب العاصمة.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    doc, ev, we, ac = _all("استهدفت صواريخ إسرائيلية مواقع قرب العاصمة وقتل عنصران.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"
    # unnamed, rocket fire is rocket artillery
    doc, ev, we, ac = _all("قتل عنصران بقصف صاروخي استهدف مواقع قرب العاصمة.")
    assert E.event_type(doc, ev, we, ac) == "shelling"


def _types(text: str) -> set[str]:
    doc = _doc(text)
    return {t.type for t in E.find_targets(doc, E.find_events(doc))}


def test_a_town_struck_is_a_residential_target() -> None:
    # the town is what the strike was aimed at: its verb, a subject and means between
    assert _types("قصفت طائرات حربية بالصواريخ قرية الوادي صباح اليوم وقتل طفلان.") == {"residential"}
    assert _types("قتل ثلاثة مدنيين جراء غارات جوية على بلدة التلال.") == {"residential"}
    assert _types("استهدف القصف حي الزيتون في المدينة وأصيب خمسة.") == {"residential"}
    # where something else was hit, or its outskirts: not the town itself
    assert _types("قتل رجل بقصف استهدف أطراف قرية الوادي.") == set()
    # a named building or vehicle says more precisely what was hit
    assert _types("قصفت الطائرات بلدة التلال، واستهدفت غارة سيارة مدنية على الطريق.") == {"vehicle"}
    assert _types("استهدفت غارة سيارة مدنية في بلدة التلال.") == {"vehicle"}


def test_farm_work_where_people_were_hit() -> None:
    assert _types("أصيب مزارعان بقصف مدفعي أثناء عملهما في الأراضي الزراعية قرب البلدة.") == {"other"}
    assert _types("قتل راع بغارة جوية أثناء رعي الأغنام على الطريق الترابي.") == {"other"}
    assert _types("عاد الأهالي إلى الأراضي الزراعية بعد انتهاء الموسم.") == set()


def test_damage_and_raids_say_a_target_was_hit() -> None:
    assert _types("تضرر قسم الطوارئ في المشفى الوطني جراء الغارة.") == {"health_facility"}
    assert _types("خلف القصف دمارا في سور المدرسة.") == {"school"}
    assert _types("أغار الطيران الحربي على محيط المستشفى الجامعي.") == {"health_facility"}
    assert _types("تعرضت سيارة مدنية تقل عمالا صباح اليوم لهجوم بطائرة مسيرة.") == {"vehicle"}


def test_health_care_in_its_wordings() -> None:
    assert _types("تضرر مرفق طبي في البلدة جراء القصف.") == {"health_facility"}
    assert _types("طال القصف مركز الرعاية الصحية الأولية ومستودع الأدوية.") == {"health_facility"}
    assert _types("استهدفت غارة مركز تلقيح للأطفال.") == {"health_facility"}


def test_rescuers_at_work_are_no_target() -> None:
    assert _types("أصيبت امرأة بقصف مدفعي، حيث عملت فرق الدفاع المدني على إسعافها.") == set()
    assert _types("قتل شاب بقصف صاروخي، وفرق الدفاع المدني نقلت جثمانه إلى المقبرة.") == set()
    assert _types("استهدفت غارة فرق الدفاع المدني أثناء محاولتها إخماد الحريق.") == {"medical_personnel"}
    assert _types("قتل القصف طبيبين يعملون في المستشفى الميداني.") >= {"medical_personnel"}


def test_a_hospital_where_the_wounded_were_treated_is_no_target() -> None:
    assert _types("أصيب عامل بقصف مدفعي وأسعفت العامل المصاب إلى مشفى المدينة.") == set()
    assert _types("أصيبت طفلة بقصف صاروخي وهي تخضع حاليا لعلاج في مشفى المدينة.") == set()


def test_bare_sites_are_positions_only_when_a_force_owns_them() -> None:
    assert _types("استهدفت غارات جوية عدة مواقع في ريف المحافظة.") == set()
    assert _types("استهدفت غارات جوية مواقع مدنية في ريف المحافظة.") == set()
    assert _types("استهدفت غارات جوية مواقع لقوات النظام في ريف المحافظة.") == {"military"}


def test_a_claim_in_its_verb_forms() -> None:
    # "it claims to have targeted a base": the attacker's account
    assert _types("نشرت الوزارة أخبارا تزعم استهداف قاعدة عسكرية للمسلحين.") == set()
    assert _types("استهدفت الطائرات قاعدة عسكرية للمسلحين.") == {"military"}


def test_where_people_live_is_no_camp_hit() -> None:
    text = "قتل ثلاثة نازحين بقصف مدفعي صباح اليوم على أطراف البلدة الشرقية، وجميعهم من الأهالي الذين يقطنون في تجمع مخيمات الأمل."
    assert _types(text) == set()
    assert _types("قتل ثلاثة نازحين بقصف مدفعي على تجمع مخيمات الأمل.") == {"camp"}


def test_a_locative_places_the_target_before_it() -> None:
    # "a house near the school": the school says where the house stands
    assert _types("استهدف القصف منزلا قرب المدرسة الابتدائية.") == {"residential"}


def test_a_strike_east_of_a_camp_is_outside_it() -> None:
    text = "قتل رجل صباح اليوم بغارة جوية نفذتها طائرة حربية روسية على الأرض الواقعة بين البلدتين شرق مخيم الأمل."
    assert _types(text) == set()


def test_a_list_of_what_was_hit_goes_on() -> None:
    text = ("قتل أربعة مدنيين جراء استهداف الطائرات الحربية للقوات الحكومية الأحياء السكنية لمدينة الوادي، "
            "ومدرسة النور، ومحطة المحروقات.")
    assert _types(text) == {"residential", "school", "other"}  # a fuel station is a shop, not a power plant


def test_a_hospital_where_the_wounded_suffer_is_no_target() -> None:
    assert _types("أصيب رجل بشظايا القصف ولا يزال يعاني جراحه في المشفى الوطني.") == set()


def test_areas_close_to_camps_are_not_the_camps() -> None:
    text = ("شنت الطائرات الحربية غارات عنيفة صباح اليوم على الأطراف الغربية والشمالية للبلدة الكبيرة، "
            "وتقع هذه الأطراف قريبة من عدة مخيمات للنازحين.")
    assert _types(text) == set()


def test_duals_and_pronouns_of_words_in_ta_marbuta() -> None:
    assert _types("استهدفت طائرة مسيرة سيارتين على الطريق الدولي.") >= {"vehicle"}
    assert _types("قتل شاب جراء قصف استهدف سيارته قرب البلدة.") == {"vehicle"}
    assert _types("قصفت الطائرات الحربية قريتي الوادي والتلال صباح اليوم.") == {"residential"}


def test_the_regime_named_right_after_a_bombardment_word_fired_artillery() -> None:
    for text in ("استشهد رجل بقصف من النظام على بلدة التلال مساء اليوم.",
                 "أصيب طفلان جراء قصف لقوات النظام السوري على أطراف البلدة."):
        doc, ev, we, ac = _all(text)
        assert E.event_type(doc, ev, we, ac) == "shelling", text
    # the regime as the object of the strike is no striker
    doc, ev, we, ac = _all("قتل ثلاثة عناصر بقصف على مواقع النظام في البادية.")
    assert E.event_type(doc, ev, we, ac) == "air_strike"


def test_a_bombardment_whose_striker_is_named_keeps_its_vote() -> None:
    # ... against the warplanes of a strike on another place the same day
    text = ("قتلت امرأة وطفلها بقصف النظام على قرية التلال. وأصيب شقيقها بقصف لقوات النظام على المنزل ذاته. "
            "وقال الدفاع المدني إن القصف المدفعي استهدف البلدة. "
            "كما شنت الطائرات الحربية غارات جوية على منطقة الوادي.")
    doc, ev, we, ac = _all(text)
    assert E.event_type(doc, ev, we, ac) == "shelling"


def test_a_target_near_the_hit_place_is_only_where() -> None:
    assert _types("استهدفت طائرة مسيرة سيارة مدنية بالقرب من حاجز للشرطة على الطريق.") == {"vehicle"}
    assert _types("سقطت قذيفة على مقربة من مخيم للنازحين غرب البلدة.") == set()


def test_what_an_earlier_event_hit_is_not_this_ones_target() -> None:
    text = "قتل مدني بقصف مدفعي على أطراف البلدة بعد ساعات من مجزرة ارتكبتها القوات في مخيمات النازحين."
    assert "camp" not in _types(text)
    assert "camp" not in _types("قصفت الفصائل مواقع القوات ردا على قصف مخيمات النازحين أمس.")
    assert "camp" in _types("قصفت القوات مخيمات النازحين غرب البلدة صباح اليوم.")


def test_livestock_killed_and_fuel_stations_are_other_targets() -> None:
    assert _types("أدت الغارة الجوية إلى إصابة راع ونفوق عدد من الأغنام.") == {"other"}
    assert _types("استهدفت غارة جوية محطة وقود في البلدة صباح اليوم.") == {"other"}


def test_a_relative_clause_or_adjective_says_what_was_hit() -> None:
    assert _types("كان المنزل الذي قصفته الطائرات الحربية يؤوي عائلتين من النازحين.") == {"residential"}
    assert _types("أظهرت الصور حجم الدمار في المنزل المستهدف بعد منتصف الليل.") == {"residential"}


def test_a_building_with_no_other_name_is_residential() -> None:
    assert _types("دمرت الغارة الجوية مبنى من أربعة طوابق وسط المدينة.") == {"residential"}
    assert _types("استهدفت الغارة مبنى البلدية في المدينة.") == {"government_building"}


def test_a_town_heading_a_list_of_what_was_hit_stays_a_target() -> None:
    assert _types("شنت الطائرات الحربية غارات على مدينة الوادي ومخيم للنازحين صباح اليوم.") == {"residential", "camp"}
    # but a house in a town: the house alone
    assert _types("قصفت الطائرات الحربية منزلا في مدينة الوادي صباح اليوم.") == {"residential"}
    assert _types("استهدف قصف صاروخي سيارة مدنية في بلدة التلال.") == {"vehicle"}
