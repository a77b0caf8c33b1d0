"""Review the evidence of the atlas against its articles: ``python -m geo.evidence [--source s00N] [DATA_DIR]``.

For each article (or the one given), in the order of the text:

- every fact and event date that cites it, with its quote (``quote_zh``) and where the quote stands: paragraph
  (blank-line separated, from 1) and offset (characters from the start, whitespace not counted); a quote that
  is not in the article is listed as NOT FOUND;
- then the article's figures and dated phrases that no quote covers yet (a number with its measure word, a
  calendar date, a phrase dated relative to the article such as 日前 or 刚刚闭幕), each with its clause, so the
  next editor sees what is missing at a glance.

The articles' texts are read from ``--articles DIR`` (default: ``../shared/seeds`` beside the repository, as
for ``geo.validate.checks``) by each source's ``seed_file``. An editors' tool: the app never imports it.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from geo.io.atlas import load_atlas
from geo.io.read import SOURCES_FILE, read_articles, read_sources
from geo.validate.quote_text import RELATIVE_DATE_WORDS, locate, numbers, paragraph_of, segments, squeeze

DEFAULT_ARTICLES = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
_MEASURE = set("个個家项項名位条條席所场場支年月日大批宗期台万萬亿億元米轮輪倍成%")
_DATE = re.compile(r"(?:19|20)\d{2}年(?:年?[初末底])?(?:\d{1,2}(?:[—-]\d{1,2})?月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日"
                   r"|(?<![\d个個])\d{1,2}月(?!份?[以来])")
_RELATIVE = re.compile("|".join(sorted((re.escape(w) for w in RELATIVE_DATE_WORDS), key=len, reverse=True)))


@dataclass(frozen=True)
class Cited:
    """One fact citing the article, located in it (offset None when the quote is not found)."""

    feature_id: str
    fact: dict
    offset: int | None
    end: int | None


def _facts(atlas, sid: str) -> list[tuple[str, dict]]:
    out = []
    for gdf in atlas.layers.values():
        for fid, facts in zip(gdf["id"], gdf["facts"], strict=True):
            out += [(fid, f) for f in (facts if isinstance(facts, list) else []) if f.get("source") == sid]
    return out


def cited(atlas, sid: str, text: str) -> list[Cited]:
    """The facts citing ``sid``, located in ``text``, in article order (not found last)."""
    out = []
    for fid, fact in _facts(atlas, sid):
        quote = fact.get("quote_zh") or ""
        at = locate(quote, text) if quote.strip() else None
        end = None
        if at is not None:  # the end of the last segment
            flat, pos = squeeze(text), at
            for seg in segments(quote):
                pos = flat.find(seg, pos) + len(seg)
            end = pos
        out.append(Cited(fid, fact, at, end))
    return sorted(out, key=lambda c: (c.offset is None, c.offset or 0, c.feature_id))


def uncovered(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, str, str]]:
    """(offset, kind, phrase) of figures and dated phrases of ``text`` outside every span, in text order."""
    flat = squeeze(text)
    inside = lambda a, b: any(s <= a and b <= e for s, e in spans)  # noqa: E731
    found: dict[int, tuple[int, str, str]] = {}
    for m in _DATE.finditer(flat):
        if not inside(m.start(), m.end()):
            found[m.start()] = (m.start(), "date", m.group(0))
    for m in _RELATIVE.finditer(flat):
        if not inside(m.start(), m.end()):
            found.setdefault(m.start(), (m.start(), "relative date", m.group(0)))
    for n in numbers(flat):
        unit = flat[n.end:n.end + 1]
        plain_one = not n.text[0].isdigit() and n.value == 1 and n.scale == 1  # 一个, 一场: "a", not a figure
        figure = (n.text[0].isdigit() or unit in _MEASURE) and not plain_one and unit not in "年月日"
        in_date = any(a <= n.start < a + len(p) for a, _k, p in found.values())
        if figure and not in_date and not inside(n.start, n.end):
            found[n.start] = (n.start, "figure", flat[n.start:n.end + 2])
    return [found[k] for k in sorted(found)]


def _clause(flat: str, offset: int) -> str:
    left = max((flat.rfind(c, 0, offset) for c in "。；！？"), default=-1) + 1
    right = min((i for i in (flat.find(c, offset) for c in "。；！？") if i >= 0), default=len(flat))
    clause = flat[left:right]
    return clause if len(clause) <= 40 else flat[max(left, offset - 15):min(right, offset + 25)] + "…"


def _value(fact: dict) -> str:
    value, unit = fact.get("value"), fact.get("unit") or ""
    return f"{value:g}{unit}" if isinstance(value, int | float) and not isinstance(value, bool) else f"{value}"


def report(atlas, sources: dict[str, dict], texts: dict[str, str], only: str | None = None) -> list[str]:
    lines = []
    for sid, src in sources.items():
        if only and sid != only:
            continue
        lines.append(f"== {sid} {src.get('headline_zh') or ''} ({src.get('date_from')}..{src.get('date_to')})")
        text = texts.get(sid)
        if text is None:
            lines.append(f"   article text not found ({src.get('seed_file')}); quotes not located")
        items = cited(atlas, sid, text or "")
        for c in items:
            where = "NOT FOUND " if c.offset is None else f"¶{paragraph_of(c.offset, text):<3}@{c.offset:<5}"
            extra = f" restates {c.fact['restates']}" if c.fact.get("restates") else ""
            lines.append(f"   {where} {c.feature_id}.{c.fact.get('attribute')} = {_value(c.fact)} "
                         f"「{c.fact.get('quote_zh') or ''}」{extra}")
        if text is None:
            continue
        spans = [(c.offset, c.end) for c in items if c.offset is not None]
        missing = uncovered(text, spans)
        lines.append(f"   -- {len(items)} facts cite {sid}; not quoted by any fact ({len(missing)}):")
        flat = squeeze(text)
        for offset, kind, phrase in missing:
            lines.append(f"   ¶{paragraph_of(offset, text):<3}@{offset:<5} {kind}: {phrase}  ‹{_clause(flat, offset)}›")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.evidence", description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", default="data", help="the atlas data directory (default: data)")
    parser.add_argument("--source", help="one article's source id (s000 ...); default: all")
    parser.add_argument("--articles", default=str(DEFAULT_ARTICLES), help="directory of the articles' texts")
    args = parser.parse_args(argv)
    sources = read_sources(Path(args.data) / SOURCES_FILE)
    if args.source and args.source not in sources:
        print(f"unknown source {args.source!r}; known: {', '.join(sources)}", file=sys.stderr)
        return 2
    texts, missing = read_articles(sources, args.articles)
    if missing:
        print(f"article texts not found in {args.articles} for {', '.join(missing)}", file=sys.stderr)
    print("\n".join(report(load_atlas(args.data), sources, texts, args.source)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
