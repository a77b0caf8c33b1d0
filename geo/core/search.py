"""Finding features by name: a search index built once per atlas, and ranked search over it.

Every name a feature goes by is indexed in one normal form (NFKC, case-folded, Traditional→Simplified by
OpenCC, punctuation and spaces dropped): its ``name_zh`` and ``name_en``, each alias, and their *short forms*
(the name without a leading place name — the atlas's city and districts, with and without 市/区/县, and the
country and province — and, for the city and districts, without the 市/区/县 ending: 浙江省信创和商密产业园 →
信创和商密产业园, 中国云谷 → 云谷, 西湖区 → 西湖, "China Cloud Valley" → "cloud valley"). A query in Latin
letters is also matched against the pinyin of the Chinese forms (pypinyin: full syllables and initials).

Ranking, best first (``match`` names the tier):

0. ``exact``: the query is the name;  1. ``alias``: an alias or the pinyin of the name;
2. ``short``: a short form, or the pinyin of an alias or short form;  3. ``prefix``: a name, alias or short form
   (or its pinyin, or the initials of its pinyin) starts with the query;
4. ``substring``: contains it (Latin queries: at the start of a word);
5. ``fuzzy``: most of the query's characters occur in the name in order (rapidfuzz LCS) or at all (character
   overlap): 信创产业园 and 信创园 find 浙江省信创和商密产业园, 大运河未来城 finds 大运河数智未来城. Latin queries:
   rapidfuzz partial ratio over the English forms (typos).

Within a tier: the higher fuzzy score, then the tighter match (query length / form length), then places before
events (parks, institutions, companies, plans, districts, city, events), then the shorter name, then the id.

The index is built once per atlas object (``index_for``) with vectorised string work; a query is a handful of
pandas string operations and one ``rapidfuzz.process.cdist`` over the unique forms, fast at 100k features.
"""

from __future__ import annotations

import re
import threading
import unicodedata
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import opencc
import pandas as pd
from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

if TYPE_CHECKING:  # the type only: geo.io.atlas loads through geo.validate, which uses geo.core
    from geo.io.atlas import Atlas


SEARCH_COLUMNS = ["layer", "id", "name_zh", "name_en", "match"]
TIERS = ("exact", "alias", "short", "prefix", "substring", "fuzzy")
# Places before events when the match is as good; the order among places follows what people look for most.
LAYER_PRIORITY = ("parks", "institutions", "companies", "plans", "districts", "city", "events")
# Above the atlas's own places: its country and province (the city and districts come from the data).
OUTER_REGIONS = ("中国", "浙江省", "浙江", "china", "zhejiang", "prc")
ADMIN_LAYERS = ("city", "districts")
FUZZY_MIN = 0.75  # share of the query's characters found (in order, mostly) for a fuzzy match
FUZZY_MIN_SHORT = 1.0  # queries of 2-3 characters: all of them, in order
LATIN_FUZZY_MIN = 85  # rapidfuzz partial ratio for Latin queries of 4+ letters

_T2S = opencc.OpenCC("t2s")
_T2S_LOCK = threading.Lock()  # one converter, shared: calls are serialised
_SPACES = re.compile(r"[^\w\n]+|_")  # punctuation, symbols and runs of spaces
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)")
_LATIN_QUERY = re.compile(r"^[a-z0-9 ]+$")
_ADMIN_END_ZH = re.compile(r"(?<=..)(?:自治县|新区|省|市|区|县)$")
_ADMIN_END_EN = re.compile(r"\s+(?:district|county|county-level city|city|province)$")


def to_simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified and non-Chinese text pass unchanged."""
    if not text:
        return text
    with _T2S_LOCK:
        return _T2S.convert(text)


def _fold(texts: list[str]) -> list[str]:
    """NFKC, case-fold and Traditional→Simplified for many strings at once (one OpenCC call)."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    joined = to_simplified(unicodedata.normalize("NFKC", joined).casefold())
    return joined.split("\n")


def normalize_text(text: str) -> str:
    """Case, width and script folded, words separated by single spaces: "中國雲谷" → "中国云谷",
    "  Cloud   VALLEY " → "cloud valley", "魔搭社区（杭州）" → "魔搭社区 杭州"."""
    return _spaced(_fold([text or ""])[0])


def _spaced(folded: str) -> str:
    return _SPACES.sub(" ", folded).strip()


def compact(text: str) -> str:
    """The form names are matched in: normalised, without spaces or punctuation ("cloud valley" → "cloudvalley")."""
    return normalize_text(text).replace(" ", "")


def _strip_regions(spaced: str, regions: tuple[str, ...]) -> str:
    """``spaced`` without the place names it starts with (longest first), keeping at least 2 characters."""
    out = spaced
    changed = True
    while changed:
        changed = False
        for region in regions:
            if out.startswith(region):
                rest = out[len(region):].lstrip()
                if len(rest.replace(" ", "")) >= (2 if _CJK.match(rest or " ") else 3):
                    out, changed = rest, True
                    break
    return out


def _admin_short(spaced: str) -> str:
    return _ADMIN_END_EN.sub("", _ADMIN_END_ZH.sub("", spaced))


@dataclass(frozen=True, eq=False)
class UniqueForms:
    forms: pd.Series  # distinct compact forms
    codes: np.ndarray  # form row -> position in forms
    spaced: pd.Series  # the spaced form of each (word starts for Latin queries)
    chars_sorted: list[str]  # characters sorted (the overlap score is an LCS of sorted characters)
    lengths: np.ndarray
    chinese: np.ndarray  # has a Chinese character
    padded: pd.Series  # " " + spaced: a word start is " " + the query
    latin_at: np.ndarray  # positions of the forms without Chinese characters (Latin fuzzy runs on these only)
    latin_spaced: list[str]


@dataclass(eq=False)
class SearchIndex:
    """Every name form of every feature of one atlas (see the module docstring). Build with ``index_for``."""

    features: pd.DataFrame  # one row per feature: layer, id, name_zh, name_en, priority, name_len
    forms: pd.DataFrame  # one row per (feature, form): feature (row in features), form (compact), spaced, base
    _pinyin: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, atlas: Atlas) -> SearchIndex:
        rows, texts, owners, bases, admin = [], [], [], [], []
        for lid, gdf in atlas.layers.items():
            if "id" not in gdf.columns or gdf.empty:
                continue
            zh = gdf["name_zh"] if "name_zh" in gdf.columns else pd.Series("", index=gdf.index)
            en = gdf["name_en"] if "name_en" in gdf.columns else pd.Series("", index=gdf.index)
            aliases = gdf["aliases"] if "aliases" in gdf.columns else pd.Series([[]] * len(gdf), index=gdf.index)
            start = len(rows)
            rows.extend(zip([lid] * len(gdf), gdf["id"], zh, en, strict=True))
            for offset, (name_zh, name_en, alias_list) in enumerate(zip(zh, en, aliases, strict=True)):
                owner = start + offset
                for text, base in ((name_zh, 0), (name_en, 0), *((a, 1) for a in _as_list(alias_list))):
                    if isinstance(text, str) and text.strip():
                        texts.append(text)
                        owners.append(owner)
                        bases.append(base)
                        admin.append(lid in ADMIN_LAYERS)
        features = pd.DataFrame(rows, columns=["layer", "id", "name_zh", "name_en"])
        for col in ("name_zh", "name_en"):
            features[col] = features[col].where(features[col].map(lambda v: isinstance(v, str)), "")
        rank = {lid: i for i, lid in enumerate(LAYER_PRIORITY)}
        features["priority"] = features["layer"].map(rank).fillna(len(rank)).astype(int)
        features["name_len"] = features["name_zh"].str.len()
        spaced = [_spaced(s) for s in _fold(texts)]
        regions = _regions(spaced, admin, bases)
        short = [_admin_short(s) if is_admin else _strip_regions(s, regions)
                 for s, is_admin in zip(spaced, admin, strict=True)]
        forms = pd.DataFrame({"feature": owners + owners, "spaced": spaced + short,
                              "base": bases + [2] * len(short)})
        forms["form"] = forms["spaced"].str.replace(" ", "", regex=False)
        forms = forms[forms["form"].str.len() > 0]
        # a short form equal to its own name is not a separate form
        forms = forms.sort_values(["feature", "base"], kind="stable").drop_duplicates(["feature", "form"])
        return cls(features=features, forms=forms.reset_index(drop=True))

    @cached_property
    def unique_forms(self) -> UniqueForms:
        """The distinct compact forms and what each query needs of them, computed once per index."""
        codes, uniques = pd.factorize(self.forms["form"])
        forms = pd.Series(uniques, dtype=object)
        spaced = self.forms.groupby(codes)["spaced"].first().reindex(range(len(forms))).fillna("")
        spaced = spaced.reset_index(drop=True)
        chinese = forms.str.contains(_CJK.pattern, regex=True).to_numpy()
        latin_at = np.flatnonzero(~chinese)
        return UniqueForms(forms=forms, codes=codes, spaced=spaced,
                           chars_sorted=["".join(sorted(f)) for f in uniques],
                           lengths=forms.str.len().to_numpy().astype(float), chinese=chinese,
                           padded=" " + spaced, latin_at=latin_at, latin_spaced=spaced.iloc[latin_at].tolist())

    @cached_property
    def pinyin_forms(self) -> pd.DataFrame:
        """Pinyin of every form with Chinese characters: columns feature, base, form (syllables), initials.
        Built on the first Latin query (pypinyin reads phrases, so 长三角 is chang san jiao)."""
        chinese = self.forms[self.forms["form"].str.contains(_CJK.pattern, regex=True)]
        runs: dict[str, list[str]] = {}  # pinyin per run of Chinese characters (names share many runs)

        def read(form: str) -> list[str]:
            out = []
            for part in _CJK_RUN.split(form):
                if not part:
                    continue
                if _CJK.match(part):
                    if part not in runs:
                        runs[part] = lazy_pinyin(part, style=Style.NORMAL)
                    out.extend(runs[part])
                else:
                    out.append(part)
            return out

        syllables = {f: read(f) for f in pd.unique(chinese["form"])}
        out = chinese[["feature", "base"]].copy()
        out["form"] = [_ascii("".join(syllables[f])) for f in chinese["form"]]
        out["initials"] = [_ascii("".join(s[0] for s in syllables[f] if s)) for f in chinese["form"]]
        return out.reset_index(drop=True)


def _ascii(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).lower()


def _as_list(value) -> list:
    if isinstance(value, list | tuple | np.ndarray):
        return list(value)
    return []


def _regions(spaced: list[str], admin: list[bool], bases: list[int]) -> tuple[str, ...]:
    """Place names a name may start with: the city's and districts' names (with and without 市/区/县 and
    District/City), and OUTER_REGIONS; longest first."""
    names = set(OUTER_REGIONS)
    for text, is_admin, base in zip(spaced, admin, bases, strict=True):
        if is_admin and base == 0:
            names.update({text, _admin_short(text)})
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))


_INDEXES: dict[int, tuple[weakref.ref, SearchIndex]] = {}
_INDEX_LOCK = threading.Lock()


def index_for(atlas: Atlas) -> SearchIndex:
    """The search index of ``atlas``, built on first use and kept as long as the atlas object lives (the app's
    atlas is cached per data version, so every visitor shares one index)."""
    key = id(atlas)
    with _INDEX_LOCK:
        entry = _INDEXES.get(key)
        if entry is not None and entry[0]() is atlas:
            return entry[1]
    index = SearchIndex.build(atlas)
    with _INDEX_LOCK:
        _INDEXES[key] = (weakref.ref(atlas, lambda _ref, k=key: _INDEXES.pop(k, None)), index)
    return index


def _tiers_for(index: SearchIndex, needle: str, latin: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per form row: tier (6 = no match), fuzzy score and tightness, from string work on the unique forms."""
    u = index.unique_forms
    exact = (u.forms == needle).to_numpy()
    prefix = u.forms.str.startswith(needle).to_numpy()
    contains = u.forms.str.contains(needle, regex=False).to_numpy()
    tight_u = np.minimum(len(needle) / np.maximum(u.lengths, 1), 1.0)
    score_u = np.zeros(len(u.forms))
    fuzzy = np.zeros(len(u.forms), dtype=bool)
    if latin:
        spaced_needle = normalize_text(needle)
        # substring only at a word's start for Latin queries ("ai" is not in "chain")
        contains = prefix | u.padded.str.contains(" " + spaced_needle, regex=False).to_numpy()
        if len(needle) >= 4 and len(u.latin_at):
            ratios = process.cdist([spaced_needle], u.latin_spaced, scorer=fuzz.partial_ratio, dtype=np.uint8,
                                   score_cutoff=LATIN_FUZZY_MIN)[0]
            fuzzy[u.latin_at] = ratios >= LATIN_FUZZY_MIN
            score_u[u.latin_at] = ratios / 100.0
    elif len(needle) >= 2:
        lcs = process.cdist([needle], list(u.forms), scorer=LCSseq.similarity, dtype=np.int32)[0]
        overlap = process.cdist(["".join(sorted(needle))], u.chars_sorted, scorer=LCSseq.similarity,
                                dtype=np.int32)[0]
        score_u = (0.7 * lcs + 0.3 * overlap) / len(needle)
        fuzzy = score_u >= (FUZZY_MIN_SHORT if len(needle) <= 3 else FUZZY_MIN) - 1e-9
        tight_u = np.where(fuzzy & ~contains, lcs / np.maximum(u.lengths, 1), tight_u)
    codes = u.codes
    base = index.forms["base"].to_numpy()
    tier = np.full(len(codes), 6)
    tier = np.where(fuzzy[codes], 5, tier)
    tier = np.where(contains[codes], 4, tier)
    tier = np.where(prefix[codes], 3, tier)
    tier = np.where(exact[codes], base, tier)
    score = np.where(tier == 5, score_u[codes], 1.0)
    return tier, score, tight_u[codes]


def _pinyin_tiers(index: SearchIndex, needle: str) -> pd.DataFrame:
    """Pinyin matches of a Latin query: full pinyin equal (tier 1 for a name, 2 for an alias or short form),
    a prefix of it (3), or the initials equal or a prefix (3, 2+ letters)."""
    frame = index.pinyin_forms
    if frame.empty or len(needle) < 2:
        return pd.DataFrame(columns=["feature", "tier", "score", "tight"])
    forms = frame["form"]
    exact = (forms == needle).to_numpy()
    prefix = forms.str.startswith(needle).to_numpy()
    initials = frame["initials"].str.startswith(needle).to_numpy() & (len(needle) >= 2)
    tier = np.full(len(frame), 6)
    tier = np.where(initials | prefix, 3, tier)
    tier = np.where(exact, np.maximum(frame["base"].to_numpy(), 1), tier)
    lengths = np.maximum(forms.str.len().to_numpy(), 1)
    tight = np.where(initials & ~prefix, len(needle) / np.maximum(frame["initials"].str.len().to_numpy(), 1),
                     np.minimum(len(needle) / lengths, 1.0))
    out = pd.DataFrame({"feature": frame["feature"].to_numpy(), "tier": tier, "score": 1.0, "tight": tight})
    return out[out["tier"] < 6]


def ranked(atlas: Atlas, text: str, *, ids: set[str] | None = None) -> pd.DataFrame:
    """Features matching ``text``, best first (module docstring); only those in ``ids`` when given.
    Columns: layer, id, name_zh, name_en, match (one of TIERS)."""
    needle = compact(text or "")
    if not needle:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    index = index_for(atlas)
    if index.forms.empty:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    latin = bool(_LATIN_QUERY.match(normalize_text(text)))
    tier, score, tight = _tiers_for(index, needle, latin)
    hits = pd.DataFrame({"feature": index.forms["feature"].to_numpy(), "tier": tier, "score": score,
                         "tight": tight})
    hits = hits[hits["tier"] < 6]
    if latin and not needle.isdigit():
        hits = pd.concat([hits, _pinyin_tiers(index, needle)], ignore_index=True)
    if hits.empty:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    feats = index.features
    hits = hits.join(feats[["priority", "name_len", "id"]], on="feature")
    if ids is not None:
        hits = hits[hits["id"].isin(ids)]
    hits = hits.sort_values(["tier", "score", "tight", "priority", "name_len", "id"],
                            ascending=[True, False, False, True, True, True], kind="stable")
    best = hits.drop_duplicates("feature")
    out = feats.loc[best["feature"].to_numpy(), ["layer", "id", "name_zh", "name_en"]].reset_index(drop=True)
    out["match"] = [TIERS[int(t)] for t in best["tier"]]
    return out


def matching_ids(atlas: Atlas, text: str) -> set[str]:
    """Ids of every feature ``ranked`` finds for ``text`` (the map's text filter shows what the search lists)."""
    return set(ranked(atlas, text)["id"])
