"""Propose ``quote_zh`` for facts that have none: locate each value in its cited article and cut a quote.

Editors' tooling (issue 15), not run by the app. Usage from the repository root:

    .venv/bin/python data/propose_quotes.py ARTICLES_DIR [--write]

Prints one line per fact without a quote: feature, fact, value and the proposed quote (the clause around the
value, at most 25 characters, the value's surroundings scored by the fact's label and the feature's names).
With ``--write`` the proposals are stored in the layer files and ``data/attributes/*.json``; review every one
by hand afterwards (``python -m geo.evidence``) and fix those that do not state the fact.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.core.schema import LAYERS  # noqa: E402
from geo.io.read import read_articles, read_sources  # noqa: E402
from geo.validate.quote_text import QUOTE_MAX, matching_numbers, simplify, squeeze  # noqa: E402

DATA = ROOT / "data"
_BREAK = "。；！？\n"


def _score(text: str, start: int, end: int, words: str) -> int:
    ctx = simplify(text[max(0, start - 30):end + 30])
    return sum(1 for c in set(simplify(words)) if "\u4e00" <= c <= "\u9fff" and c in ctx)


def cut(text: str, start: int, end: int) -> str:
    """A quote around text[start:end]: its sentence part, at most QUOTE_MAX characters."""
    left = max((text.rfind(c, 0, start) for c in _BREAK + "，"), default=-1) + 1
    right = min((i for i in (text.find(c, end) for c in _BREAK + "，") if i >= 0), default=len(text))
    if end - left > QUOTE_MAX:
        left = max(left, end - QUOTE_MAX + 6)
    right = min(right, left + QUOTE_MAX)
    return text[left:right].strip("，、：")


def _date_needles(value: str) -> list[str]:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value)
    if not m:
        return []
    y, mo, d = m.group(1), m.group(2), m.group(3)
    out = []
    if d:
        out += [f"{int(mo)}月{int(d)}日"]
    if mo:
        out += [f"{y}年{int(mo)}月", f"{int(mo)}月"]
    out += [f"{y}年", y]
    return out


def propose(fact: dict, props: dict, text: str) -> str | None:
    words = fact.get("label_zh", "") + props.get("name_zh", "") + "".join(props.get("aliases", []))
    value = fact.get("value")
    cands: list[tuple[int, int, int]] = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        for sentence in re.finditer(r"[^。；！？]+", text):
            s = sentence.group(0)
            for n in matching_numbers(s, float(value), fact.get("unit") or ""):
                a, b = sentence.start() + n.start, sentence.start() + n.end
                cands.append((_score(text, a, b, words), a, b + 3))
    else:
        needles = _date_needles(value) if fact.get("attribute") == "date" or re.match(r"^\d{4}", str(value)) else []
        head = re.split(r"\s\(|（|；|、", str(value))[0]
        needles += [head] if head and not needles else []
        for needle in needles:
            for m in re.finditer(re.escape(needle), text):
                cands.append((_score(text, m.start(), m.end(), words) + len(needle), m.start(), m.end()))
            if cands:
                break
    if not cands:
        return None
    _s, a, b = max(cands)
    return cut(text, a, b)


def _dump(name: str, fc: dict) -> str:
    """The layer file in its own style: one feature per line (plans, parks), geometry on one line (city,
    districts, as data/apply_attributes.py writes them), else indented JSON."""
    if name in ("plans.geojson", "parks.geojson"):
        return '{"type":"FeatureCollection","features":[\n' + ",\n".join(
            json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]) + "\n]}\n"
    if name in ("city.geojson", "districts.geojson"):
        from apply_attributes import dumps_compact  # data/ is on sys.path when run as a script
        return dumps_compact(fc)
    return json.dumps(fc, ensure_ascii=False, indent=1) + "\n"


def _layer_files():
    for _lid, (name, _zh, _en) in LAYERS.items():
        path = DATA / name
        if path.is_file():
            yield path, json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    articles, _missing = read_articles(read_sources(DATA / "sources.json"), argv[0])
    texts = {sid: squeeze(t) for sid, t in articles.items()}
    write = "--write" in argv
    attrs = {p: json.loads(p.read_text(encoding="utf-8")) for p in sorted((DATA / "attributes").glob("*.json"))}
    for path, fc in _layer_files():
        for feat in fc["features"]:
            props = feat["properties"]
            held = next((a[props["id"]] for a in attrs.values() if props["id"] in a), None)
            for n, fact in enumerate(props.get("facts", [])):
                if fact.get("quote_zh") or fact.get("source") not in texts:
                    continue
                quote = propose(fact, props, texts[fact["source"]])
                print(f"{props['id']}\t{n}\t{fact['attribute']}\t{fact['value']}\t{fact.get('unit', '')}\t{quote}")
                if write and quote:
                    fact["quote_zh"] = quote
                    if held is not None:
                        held["facts"][n]["quote_zh"] = quote
        if write:
            path.write_text(_dump(path.name, fc), encoding="utf-8")
    if write:
        for p, a in attrs.items():
            p.write_text(json.dumps(a, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
