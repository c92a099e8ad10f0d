"""Arabic actors (accused, claiming, denying), attribution and sources
(invented sentences only), read through the normalised text."""

from __future__ import annotations

from strikewatch.extract import actors as A
from strikewatch.extract import arabic, events
from strikewatch.extract import sources as S
from strikewatch.extract.textutil import TextDoc


def _doc(text: str) -> TextDoc:
    return TextDoc(text=arabic.normalise(text)[0], language="ar")


def _roles(text: str) -> list[tuple[str, str]]:
    doc = _doc(text)
    return [(a.actor, a.role) for a in A.find_actors(doc, S.find_sources(doc))]


def test_accused_by_instrument_force_and_adjective() -> None:
    assert ("Russia", "alleged") in _roles("قُتل طفلان بغارات للطيران الحربي الروسي على قرية في ريف إدلب الجنوبي.")
    assert ("Syrian government", "alleged") in _roles("قصفت قوات النظام بالمدفعية الثقيلة أطراف البلدة.")
    assert ("Turkey", "alleged") in _roles("استهدفت طائرة مسيرة تركية دراجة نارية قرب القرية.")
    assert ("US-led coalition", "alleged") in _roles("نفذت طائرات التحالف الدولي غارة على منزل في ريف المحافظة.")


def test_victim_and_backer_are_not_accused() -> None:
    assert not [r for r in _roles("استهدفت مسيرة تركية موقعاً لقسد قرب المدينة.") if r[0] == "SDF"]
    assert not [r for r in _roles("قصفت الفصائل المدعومة من تركيا أطراف القرية.") if r[0] == "Turkey"]


def test_claim_deny_confirm() -> None:
    assert ("Islamic State", "claimed") in _roles("أعلن تنظيم الدولة مسؤوليته عن الهجوم عبر معرفاته.")
    assert ("Islamic State", "claimed") in _roles("تبنى تنظيم داعش التفجير في بيان مقتضب.")
    assert ("Russia", "denied") in _roles("نفت وزارة الدفاع الروسية أن تكون طائراتها قد قصفت السوق.")
    assert ("Israel", "confirmed") in _roles("أكد الجيش الإسرائيلي أنه استهدف مستودعاً قرب المطار.")


def test_attribution_from_arabic_accusation() -> None:
    doc = _doc("قُتل أربعة مدنيين بغارات جوية روسية على بلدة في ريف حماة الشمالي.")
    evs = events.find_events(doc)
    kind = events.event_type(doc, evs, events.find_weapons(doc), events.find_aircraft(doc))
    att = A.attribute(A.find_actors(doc, S.find_sources(doc)), events.find_aircraft(doc), events.find_weapons(doc), doc=doc, event_type=kind)
    assert att is not None and att.actor == "Russia"


def test_sources_before_and_after() -> None:
    doc = _doc("وبحسب المرصد السوري لحقوق الإنسان، قُتل ثلاثة. وأفاد ناشطون محليون بسقوط جرحى. الدفاع المدني قال إن فرقه انتشلت الضحايا.")
    found = {(s.name, s.kind) for s in S.find_sources(doc)}
    assert ("Syrian Observatory for Human Rights", "according_to") in found
    assert ("activists", "reported") in found
    assert ("White Helmets", "said") in found


def test_accusation_by_nearby_source() -> None:
    doc = _doc("وثّق المرصد السوري مقتل رجل بقصف لقوات النظام على قريته.")
    acc = [a for a in A.find_actors(doc, S.find_sources(doc)) if a.role == "alleged"]
    assert acc and acc[0].by == "Syrian Observatory for Human Rights"


def test_bare_occupation_follows_the_named_occupier() -> None:
    roles = _roles("قصف الاحتلال التركي قرى ريف المدينة. وجدد الاحتلال قصفه صباح اليوم على القرية.")
    assert roles and all(actor == "Turkey" for actor, _ in roles)
    assert _roles("استهدفت مسيرات الاحتلال دراجة نارية في القرية.") == []  # nobody to refer to
    assert ("Israel", "alleged") in _roles("قصفت مدفعية الاحتلال أطراف خان يونس.")


def test_coordinated_actors_share_the_role() -> None:
    # the second actor joined by "و" is accused with the first
    roles = _roles("أصيب ثلاثة مدنيين بقصف مدفعي لقوات الأسد وروسيا على أطراف البلدة.")
    assert ("Syrian government", "alleged") in roles and ("Russia", "alleged") in roles
    roles = _roles("قتل رجل بغارة لطيران النظام وحليفه الروسي على المدينة.")
    assert ("Russia", "alleged") in roles
    # "between Russia and Turkey" accuses neither
    assert _roles("قتل مدني بقصف مجهول المصدر رغم الاتفاق بين روسيا وتركيا.") == []


def test_air_support_is_taking_part_a_backer_is_not() -> None:
    roles = _roles("هاجمت قسد بمساندة طيران التحالف الدولي منزلاً في القرية وقتل شخصان.")
    assert ("US-led coalition", "alleged") in roles and ("SDF", "alleged") in roles
    assert ("US-led coalition", "alleged") in _roles("قتل مدني خلال عملية لقسد بدعم جوي من التحالف الدولي.")
    # forces taking part in the raid itself
    assert ("US-led coalition", "alleged") in _roles("هاجمت قسد بمشاركة قوات التحالف الدولي منزلاً في القرية.")
    assert not [r for r in _roles("قصفت الفصائل المدعومة من تركيا أطراف القرية.") if r[0] == "Turkey"]


def test_latin_acronyms_inside_arabic_posts() -> None:
    assert ("SDF", "alleged") in _roles("قتل شاب خلال مداهمة نفذتها دورية تابعة لميليشيا PYD/PKK في القرية.")
    assert not [r for r in _roles("استهدفت مسيرة تركية مواقع YPG قرب المدينة.") if r[0] == "SDF"]


def test_the_force_holding_the_launch_site_is_accused() -> None:
    # "مصدره": where the fire came from; the area or positions of a force make it
    # a place or a target elsewhere, but not after "مصدره"
    assert ("SDF", "alleged") in _roles("أصيب شابان بقصف صاروخي مصدره مناطق سيطرة قسد استهدف أطراف البلدة.")
    assert ("Syrian government", "alleged") in _roles("سقطت قذائف مدفعية مصدرها مواقع قوات النظام على أطراف القرية.")
    assert not [r for r in _roles("أصيب شابان بقصف تركي على مناطق سيطرة قسد قرب البلدة.") if r[0] == "SDF"]


def test_a_clitic_written_apart_and_quotes_stand_between_cue_and_actor() -> None:
    assert ("US-led coalition", "alleged") in _roles('قصفت طائرة مجهولة يرجح أنها تابعة لـ "التحالف الدولي" دراجة نارية على طريق البلدة.')
    assert ("SDF", "alleged") in _roles("داهمت دورية تابعة لـ «قسد» منزلاً في القرية.")


def test_confirmation_must_announce_a_strike() -> None:
    # an agreement, control of a town or its own losses confirm no attack
    assert not [r for r in _roles("أعلنت أنقرة وموسكو توقيع مذكرة تفاهم جديدة حول الطريق الدولي.") if r[1] == "confirmed"]
    assert not [r for r in _roles("قسد تعلن استعادة الهدوء في الحي بعد يومين من الاشتباكات.") if r[1] == "confirmed"]
    assert ("United States", "confirmed") in _roles("أعلنت القيادة المركزية الأمريكية مقتل قيادي في غارة جوية قرب إدلب.")
    assert ("SDF", "confirmed") in _roles("قسد تعلن قتل عنصرين من داعش في ريف الحسكة.")


def test_support_from_a_named_force() -> None:
    assert ("US-led coalition", "alleged") in _roles("داهمت دورية لقسد منزلاً في بلدة الشحيل بدعم من التحالف الدولي واعتقلت شابين.")


def test_bare_occupation_with_adjective_after_hashtag() -> None:
    assert ("Russia", "alleged") in _roles("سقطت قذائف على أطراف البلدة من قبل الاحتلال #الروسي")


def test_positions_of_forces_are_the_target() -> None:
    roles = _roles("قصفت المسيرات التركية مواقع قوات قسد شرقي منبج فجراً.")
    assert ("Turkey", "alleged") in roles
    assert not [r for r in roles if r[0] == "SDF"]
    assert ("SDF", "alleged") in _roles("قصفت قوات قسد أطراف المدينة بالصواريخ.")


def test_actor_of_the_attack_answered_is_not_accused() -> None:
    roles = _roles("قصفت الفصائل أطراف القرية ردا على قصف الجيش التركي لمواقعها.")
    assert ("Syrian opposition", "alleged") in roles
    assert not [r for r in roles if r[0] == "Turkey"]
    assert not [r for r in _roles("أطلقت قسد قذائف على السوق رداً على هجوم تركي استهدف نقطة لها.") if r[0] == "Turkey"]


def test_other_spellings_of_militia() -> None:
    assert ("Iran", "alleged") in _roles("قصف صاروخي من قبل المليشيات الإيرانية على أطراف البلدة.")
    assert ("Iran", "alleged") in _roles("قصف صاروخي من قبل الميلشيات الإيرانية على أطراف البلدة.")
    # a nisba adjective after a force noun names the force
    assert ("Iran", "alleged") in _roles("قصفت ميليشيات إيرانية أطراف البلدة بالمدفعية.")


def test_present_tense_headline_verb() -> None:
    assert ("US-led coalition", "alleged") in _roles("التحالف الدولي يقتل راعياً قرب الشدادي بغارة من مسيرة")


def test_announcement_after_the_actor_in_the_past_tense() -> None:
    assert ("United States", "confirmed") in _roles("وكانت القيادة المركزية الأمريكية قد أعلنت مقتل قيادي بضربة قرب الحدود.")


def test_verb_after_a_coordinated_pair_is_both_actors() -> None:
    roles = _roles("النظام وروسيا يقصفان بلدة سرمين بعشرات القذائف")
    assert ("Syrian government", "alleged") in roles and ("Russia", "alleged") in roles


def test_second_of_two_targets_is_a_target_too() -> None:
    roles = _roles("استهدفت مسيرة تركية مواقع قوات النظام وقسد قرب منبج.")
    assert roles == [("Turkey", "alleged")]


def test_fire_from_the_area_a_force_holds() -> None:
    for text in (
        "أصيب طفل بقصف مدفعي مصدره المناطق التي تسيطر عليها قسد وقوات النظام.",
        "قتل مدني بقصف مدفعي من مناطق سيطرة قوات النظام وقسد.",
    ):
        roles = _roles(text)
        assert ("Syrian government", "alleged") in roles and ("SDF", "alleged") in roles, text


def test_actors_beyond_syria() -> None:
    assert ("Houthis", "alleged") in _roles("قصفت ميليشيا الحوثي بقذائف الهاون حياً سكنياً في المدينة.")
    assert ("Rapid Support Forces", "alleged") in _roles("قصفت قوات الدعم السريع بالمدفعية سوقاً في المدينة.")
    assert ("Sudan", "alleged") in _roles("شن الطيران الحربي السوداني غارة على أطراف البلدة.")
    assert ("Saudi-led coalition", "alleged") in _roles("شن طيران التحالف العربي غارتين على الطريق الساحلي.")


def test_a_shared_name_and_unnamed_forces_take_the_country_of_the_place() -> None:
    doc = _doc("شن طيران التحالف ثلاث غارات على مزرعة قرب البلدة.")
    acts = A.find_actors(doc, S.find_sources(doc))
    assert [a.actor for a in A.resolve_by_place(acts, "YE")] == ["Saudi-led coalition"]
    assert [a.actor for a in A.resolve_by_place(acts, "SY")] == ["US-led coalition"]
    doc = _doc("قصفت القوات الحكومية بالمدفعية أطراف القرية مساء أمس.")
    acts = A.find_actors(doc, S.find_sources(doc))
    assert [a.actor for a in acts] == [A.STATE_FORCES]
    assert [(a.actor, a.unnamed) for a in A.resolve_by_place(acts, "YE")] == [("Yemen", True)]
    assert A.resolve_by_place(acts, None) == []  # no place: it says nothing


def test_a_force_counted_among_the_harmed_is_no_perpetrator() -> None:
    # a casualty word, the count and "من" before the force: its members were hit
    assert _roles("أسفر الكمين عن مصرع أربعة عسكريين من قوات النظام عند مدخل البلدة.") == []
    assert _roles("إصابة ثلاثة من مقاتلي قسد إثر ضربة لمسيرة تركية على الطريق.") == [("Turkey", "alleged")]
    assert _roles("وردت أنباء عن جرحى من عناصر قسد عند الجسر.") == []
    # an attack word or "من قبل" between: the force is the one that fired
    assert _roles("إصابة راع بطلقات من قوات النظام قرب السد.") == [("Syrian government", "alleged")]
    assert _roles("مقتل امرأة بقذيفة أطلقت من قبل قوات النظام على المزرعة.") == [("Syrian government", "alleged")]


def test_the_shared_name_without_its_article() -> None:
    assert ("US-led coalition", "alleged") in _roles("مسيرة تحالف تقصف شاحنة على طريق البادية.")


def test_shelling_of_the_northern_aleppo_towns_leans_to_the_sdf() -> None:
    doc = _doc("قتل مدنيان بقذائف صاروخية سقطت على سوق مدينة إعزاز مساء أمس.")
    att = A.attribute([], doc=doc, event_type="shelling")
    assert att is not None and att.actor == "SDF"
    # "الباب" alone is "the door", not the town
    doc = _doc("قتل مدني بقذيفة هاون سقطت قرب الباب الخلفي للمدرسة.")
    att = A.attribute([], doc=doc, event_type="shelling")
    assert att is None or att.actor != "SDF"
    # a named accusation outweighs the place
    doc = _doc("قصفت قوات النظام بالمدفعية سوق مدينة الباب.")
    att = A.attribute(A.find_actors(doc, S.find_sources(doc)), doc=doc, event_type="shelling")
    assert att is not None and att.actor == "Syrian government"
