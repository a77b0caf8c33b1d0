"""Regenerate tests/data/articles/: stand-in article texts for the verbatim quote check of the mini atlas.

    .venv/bin/python tests/data/articles/make_articles.py

Each file is named like its source's ``seed_file`` in tests/data/mini/sources.json and holds only the quotes
of the mini atlas (their parts cut by … in order) plus the lines in EXTRA, joined by filler: no article prose
beyond those short quotes. The real articles stay outside the repository (../shared/seeds).
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
MINI = HERE.parent / "mini"
FILLER = "（测试用替身文本）"
# source id -> extra lines (the broken fixture quote_too_long quotes a longer span of s000)
EXTRA = {"s000": ["2025年人工智能产业营收超1300亿元，居杭州市第一，对杭州市营收贡献比重超30%"]}


def main() -> None:
    sources = json.loads((MINI / "sources.json").read_text(encoding="utf-8"))
    lines: dict[str, list[str]] = {s["id"]: list(EXTRA.get(s["id"], [])) for s in sources}
    for path in sorted(MINI.glob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for fact in feature["properties"]["facts"]:
                lines[fact["source"]].append(FILLER.join(fact["quote_zh"].split("…")))
    for old in HERE.glob("*.txt"):
        old.unlink()
    for s in sources:
        text = "\n\n".join(FILLER + line for line in lines[s["id"]]) + "\n"
        (HERE / s["seed_file"]).write_text(text, encoding="utf-8")
    print(f"wrote {len(sources)} stand-in articles to {HERE}")


if __name__ == "__main__":
    main()
