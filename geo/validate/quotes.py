"""The quote rules of ``geo.validate.checks`` (issue 15): every fact carries the article's words that state it.

Each function reports through ``add(feature, reason)`` like ``geo.validate.rules``. The rules:

- every fact has ``quote_zh`` (required by ``geo.core.schema.FACT_REQUIRED``), at most ``QUOTE_MAX`` characters;
- the quote prints the value: a number in its unit with Chinese numerals and 万/亿 (萬/億) normalised (6.5萬方
  supports 6.5 万方, 上百家 supports 100); a short code or name value (``114X``, ``Genos``) appears in it;
- the qualifier agrees with the words next to the number (超过/余/以上 -> "more than", 约/左右 -> "about",
  至少 -> "at least", 最高/不超过 -> "at most", 不到 -> "less than"; none -> null), and a goal (``target: true``)
  is worded as one (目标, 力争, 预计, 将, 到2027年 ...), while a reported figure is not (目标, 力争, 预计 ...);
- a date (an event's ``date`` fact, any ISO-date value, and the event's own ``date_start``) is no finer than
  the quote: 2024年年末 is a year (with ``date_qualifier: "late"``), 2025年7月 a month, 1月7日 a day; a quote
  with no calendar date (刚刚, 日前, 元旦前) is dated from the article's date as a period or with a
  ``derived_zh``/``derived_en`` note, and a date whose year is not printed has such a note too;
- the same figure (source, value, unit) with the same quote on two features is one fact: the second is
  marked ``"restates": "<id of the feature that keeps it>"``, which must hold a fact with that quote;
- a ``city_only`` feature stands at the city's documented point ``geo.core.schema.CITY_POINT``;
- verbatim: with the articles' texts at hand (``articles``: source id -> text), each quote occurs in its
  article after whitespace normalisation (segments cut with … in order).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from geo.core.schema import CITY_POINT, DATE_QUALIFIERS, QUALIFIERS, QUOTE_NOTE_PAIR
from geo.core.timeline import DateError, resolution
from geo.io.read import read_articles
from geo.validate.quote_text import (
    DATE_RANK,
    QUOTE_MAX,
    date_resolution,
    has_explicit_year,
    locate,
    matching_numbers,
    relative_words,
    segments,
    simplify,
    squeeze,
    supports_value,
    target_words,
)
from geo.validate.quote_text import allowed_qualifiers as _allowed

Add = Callable[[object, str], None]
_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$")
# date words -> the date_qualifier they call for
_DATE_WORDS = {"年末": ("late",), "年底": ("late",), "岁末": ("late",), "年初": ("early",),
               "元旦前": ("late", "before"), "前夕": ("before", "late")}
_SHORT_CODE = re.compile(r"^[A-Za-z0-9.+\- ]{2,24}$")


def _num(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _fmt(value) -> str:
    return f"{value:g}" if _num(value) else repr(value)


def _is_date_fact(fact: Mapping) -> bool:
    return fact.get("attribute") == "date" or (isinstance(fact.get("value"), str) and bool(_ISO.match(fact["value"])))


def _head(value: str) -> str:
    """A string value without its English gloss: '全国第一梯队 (national first tier)' -> '全国第一梯队'."""
    return re.split(r"\s\(|（", value, maxsplit=1)[0].strip()


def quote_reasons(fact: Mapping) -> list[str]:
    """Why a fact's quote does not state it (the fact is an object; missing quote_zh is reported elsewhere)."""
    quote = fact.get("quote_zh")
    if "quote_zh" not in fact:
        return []
    if not isinstance(quote, str) or not quote.strip():
        return ["field 'quote_zh' must be the article's words that state the fact"]
    out = []
    if len(quote) > QUOTE_MAX:
        out.append(f"quote_zh is {len(quote)} characters; at most {QUOTE_MAX} (trim with …)")
    value, unit = fact.get("value"), fact.get("unit") or ""
    if _num(value) and unit.strip():  # a number without its unit is reported by the schema rules
        found = matching_numbers(quote, float(value), unit)
        if not found:
            out.append(f"quote_zh does not print the value {_fmt(value)} {unit}".rstrip())
        else:
            allowed = set().union(*(_allowed(n) for n in found))
            q = fact.get("qualifier")
            if q in QUALIFIERS and q not in allowed:
                said = ", ".join(sorted("none" if a is None else repr(a) for a in allowed))
                out.append(f"qualifier {q!r} disagrees with the quote's words next to {_fmt(value)} ({said})")
            clauses = "".join(n.clause for n in found)
            out += _target_reasons(fact, quote, clauses)
    elif isinstance(value, str):
        if _is_date_fact(fact):
            out += date_reasons(fact, quote)
        elif _SHORT_CODE.match(_head(value)) and not supports_value(quote, _head(value), ""):
            out.append(f"quote_zh does not contain the value {_head(value)!r}")
        out += _target_reasons(fact, quote, quote)
    return out


def _target_reasons(fact: Mapping, quote: str, clause: str) -> list[str]:
    if fact.get("target") is True and not target_words(quote):
        return ["target is true but the quote has no word of a goal or plan (目标, 力争, 预计, 将, 计划 ...)"]
    strong = target_words(clause, strong=True)
    if fact.get("target") is False and strong:
        return [f"the quote words it as a goal ({strong[0]}) but target is false"]
    return []


def date_reasons(fact: Mapping, quote: str, date: str | None = None) -> list[str]:
    """A date value (or ``date``) against the resolution its quote gives."""
    date = date if date is not None else fact.get("value")
    try:
        res = resolution(date)
    except DateError:
        return []  # reported by the schema rules
    got, rel, out = date_resolution(quote), relative_words(quote), []
    noted = all(isinstance(fact.get(k), str) and fact[k].strip() for k in QUOTE_NOTE_PAIR)
    if got is None:
        if res != "period" and not noted:
            out.append(f"the quote gives no calendar date ({'、'.join(rel) or 'none'}): date it from the article's "
                       f"date as a period, or explain in {QUOTE_NOTE_PAIR[0]}/{QUOTE_NOTE_PAIR[1]}")
    elif res != "period" and DATE_RANK[res] > DATE_RANK[got]:
        out.append(f"date {date!r} is a {res}, finer than the quote gives (a {got})")
    elif not has_explicit_year(quote) and not noted:
        out.append(f"the quote prints no year for {date!r}: say where it comes from in "
                   f"{QUOTE_NOTE_PAIR[0]}/{QUOTE_NOTE_PAIR[1]}")
    want = set().union(*(set(v) for w, v in _DATE_WORDS.items() if w in simplify(quote)))
    dq = fact.get("date_qualifier")
    if dq is not None and dq not in DATE_QUALIFIERS:
        out.append(f"date_qualifier {dq!r} is not one of {', '.join(DATE_QUALIFIERS)}")
    elif want and "岁末年初" not in simplify(quote) and dq not in want:
        out.append(f"the quote says {'/'.join(w for w in _DATE_WORDS if w in simplify(quote))}: "
                   f"date_qualifier must be {' or '.join(repr(w) for w in sorted(want))}")
    return out


def check_event_date(f, add: Add) -> None:
    """An event's date_start/date_resolution is no finer than the quotes of its date facts."""
    p = f.props
    res = p.get("date_resolution")
    facts = [x for x in p.get("facts") or [] if isinstance(x, dict) and x.get("attribute") == "date"
             and isinstance(x.get("quote_zh"), str)]
    if not facts:
        add(f, "an event needs a 'date' fact with the quote that dates it")
        return
    if res not in DATE_RANK:
        return
    best = max((_supported_rank(x) for x in facts), default=0)
    if DATE_RANK[res] > best:
        add(f, f"date_resolution {res!r} is finer than any of its date quotes gives")


def _supported_rank(fact: Mapping) -> int:
    """The finest date rank a date fact supports: its quote's, or its own date's when a note derives it."""
    rank = DATE_RANK.get(date_resolution(fact["quote_zh"]) or "", 0)
    if all(isinstance(fact.get(k), str) and fact[k].strip() for k in QUOTE_NOTE_PAIR):
        try:
            rank = max(rank, DATE_RANK.get(resolution(fact.get("as_of")), 0))
        except DateError:
            pass
    return rank


# ------------------------------------------------------------------------------------------------ across features


def _figure(fact: Mapping) -> tuple | None:
    value = fact.get("value")
    if not isinstance(fact.get("quote_zh"), str) or not isinstance(value, int | float | str):
        return None
    value = float(value) if _num(value) else squeeze(value)
    return fact.get("source"), value, simplify(fact.get("unit") or "")


def _same_quote(a: str, b: str) -> bool:
    sa, sb = "".join(segments(a)), "".join(segments(b))
    return bool(sa) and bool(sb) and (sa in sb or sb in sa or locate(a, sb) is not None or locate(b, sa) is not None)


def check_restatements(features, by_id: Mapping[str, object], add: Add, *, check_references: bool = True) -> None:
    """One figure, one fact: the same source, value, unit and quote on two features needs ``restates``
    (``check_references=False``: a layer is missing or unreadable, so an unknown ``restates`` id is not reported)."""
    seen: dict[tuple, list[tuple[object, int, Mapping]]] = {}
    for f in features:
        for n, fact in enumerate(f.props.get("facts") or []):
            if not isinstance(fact, dict):
                continue
            target = fact.get("restates")
            if target is not None and (check_references or target in by_id):
                _check_restates(f, n, fact, by_id, add)
            key = _figure(fact)
            if key is None:
                continue
            for g, m, other in seen.get(key, []):
                if g is f or not _same_quote(fact["quote_zh"], other["quote_zh"]):
                    continue
                gid, fid = g.props.get("id"), f.props.get("id")
                if target == gid or other.get("restates") == fid or (target is not None
                                                                      and target == other.get("restates")):
                    continue
                what = f"the figure {_fmt(fact['value'])} {fact.get('unit') or ''}".rstrip()
                add(f, f"fact {n} ({fact.get('attribute')}): {what} with the same quote is fact {m} "
                       f"({other.get('attribute')}) of {gid}: keep one fact, or mark this one \"restates\": \"{gid}\"")
            seen.setdefault(key, []).append((f, n, fact))


def _check_restates(f, n: int, fact: Mapping, by_id: Mapping[str, object], add: Add) -> None:
    target = fact["restates"]
    other = by_id.get(target) if isinstance(target, str) else None
    where = f"fact {n} ({fact.get('attribute')})"
    if other is None or other is f:
        add(f, f"{where}: restates {target!r}, which is not another feature's id")
        return
    quote = fact.get("quote_zh")
    if not isinstance(quote, str) or not any(
            isinstance(x, dict) and isinstance(x.get("quote_zh"), str) and x.get("source") == fact.get("source")
            and _same_quote(quote, x["quote_zh"]) for x in other.props.get("facts") or []):
        add(f, f"{where}: restates {target}, which has no fact from {fact.get('source')} with this quote")


def check_city_point(f, add: Add) -> None:
    """A city-only feature stands at the city's documented point."""
    g = f.geometry
    if f.props.get("location_basis") != "city_only" or g is None or not f.geometry_ok:
        return
    x, y = CITY_POINT
    if g.geom_type != "Point" or abs(g.x - x) > 1e-6 or abs(g.y - y) > 1e-6:
        at = f"({g.x}, {g.y})" if g.geom_type == "Point" else f"a {g.geom_type}"
        add(f, f"a city_only feature stands at the city's documented point ({x}, {y}), not {at}")


def check_verbatim(features, articles: Mapping[str, str], add: Add) -> int:
    """Each quote occurs in its article (source id -> text); returns the number of quotes found."""
    found = 0
    for f in features:
        for n, fact in enumerate(f.props.get("facts") or []):
            if not isinstance(fact, dict) or not isinstance(fact.get("quote_zh"), str):
                continue
            text = articles.get(fact.get("source"))
            if text is None:
                continue
            if locate(fact["quote_zh"], text) is None:
                add(f, f"fact {n} ({fact.get('attribute')}): quote_zh {fact['quote_zh']!r} is not in article "
                       f"{fact.get('source')} (verbatim, whitespace ignored)")
            else:
                found += 1
    return found


def check_quotes(features, by_id: Mapping[str, object], add: Add, sources: Mapping[str, dict], articles,
                 *, check_references: bool = True) -> tuple[int, list[str]]:
    """The rules across features: event dates, city points, restatements and (with ``articles``, a directory of
    the articles' texts) verbatim quotes. Returns (quotes found verbatim, checks skipped and why)."""
    for f in features:
        if f.layer == "events":
            check_event_date(f, add)
        check_city_point(f, add)
    check_restatements(features, by_id, add, check_references=check_references)
    if articles is None:
        return 0, ["verbatim quote check: no articles directory given"]
    texts, missing = read_articles(dict(sources), articles)
    why = f"verbatim quote check for {', '.join(missing)}: article text not found in {articles}"
    skipped = [why] if missing else []
    return check_verbatim(features, texts, add), skipped
