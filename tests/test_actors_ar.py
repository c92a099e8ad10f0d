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
