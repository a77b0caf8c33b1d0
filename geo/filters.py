"""What the user asked to see: a ``Filters`` value, its URL form, and its application to an atlas.

Semantics of ``apply_filters`` (each empty criterion means "no restriction"):

- ``layers``: which layers are returned (in LAYERS order).
- ``districts`` (adcodes): every layer except the city keeps the features whose adcode is in the set; the
  districts layer keeps those districts. Features known only at city level (adcode 330100) drop out.
- ``kinds``: restrict only the layers those kinds belong to (choosing "university" narrows institutions and
  leaves parks alone).
- ``tags`` (any of), ``text`` and ``fact_ranges`` (all of) apply to the thematic layers
  (``geo.schema.THEMATIC_LAYERS``: plans, parks, institutions, companies, events); city and districts are the
  base map and stay.
- ``fact_ranges``: (attribute, min, max) with None for an open bound; a feature passes when it has a fact with
  that attribute whose numeric value lies in [min, max].
- ``period``: ``()`` (no restriction) or two months ``("2024-10", "2025-06")``: on the thematic layers
  ``geo.timeline.apply_period`` keeps the events whose dates overlap it, the features the articles have dated by
  its end plus every undated one (column ``undated``); every kept feature (city and districts too, which stay as
  the base map) keeps only the facts whose ``as_of`` overlaps it (facts without a readable date stay).

Text matching is case-insensitive, NFKC-normalised (full-width brackets and letters match half-width ones)
and folds the Traditional characters that occur in our names to Simplified, so 雲谷, 云谷 and "cloud valley"
meet the same features.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import pandas as pd

from geo.errors import LayerError
from geo.io import Atlas
from geo.schema import ADCODE_PATTERN, KINDS, LAYERS, TAGS, THEMATIC_LAYERS
from geo.timeline import DateError, Month, apply_period, facts_in_period

SEARCH_COLUMNS = ["layer", "id", "name_zh", "name_en", "match"]
_MATCH_RANK = {"exact": 0, "prefix": 1, "substring": 2}

# Traditional -> Simplified for the characters that differ in the names of this atlas (a light touch, not OpenCC).
_T2S_PAIRS = (
    "雲云 區区 龍龙 國国 華华 際际 學学 實实 驗验 網网 數数 據据 產产 業业 園园 創创 濱滨 陽阳 蕭萧 餘余 臨临 "
    "東东 錢钱 興兴 橋桥 機机 貿贸 灣湾 態态 發发 開开 醫医 藥药 療疗 體体 車车 電电 腦脑 計计 雙双 門门 對对 "
    "標标 為为 從从 來来 與与 萬万 億亿 條条 線线 軸轴 規规 劃划 鎮镇 鋼钢 軟软 圖图 書书 館馆 設设 廠厂 島岛 "
    "達达 運运 遠远 進进 術术 專专 員员 單单 點点 廣广 層层 應应 營营 屬属 寧宁 濟济 經经 綜综 聯联 總总 務务 "
    "認认 證证 識识 訊讯 語语 銀银 險险 鏈链 號号 頭头 類类 顯显 風风 飛飞 鳥鸟 棲栖 處处 潤润 啟启 壩坝 陸陆 "
    "湧涌 鏡镜 頻频 視视 聲声 紡纺 織织 環环 境境 測测 試试 節节 葉叶 莊庄 紀纪 務务 夢梦 礎础 構构 習习 "
    "質质 團团 齊齐 嶼屿 區区 鄉乡 縣县 檢检 護护 補补 軍军 鐵铁 氣气 溫温 歷历 際际 億亿 權权 協协 會会 "
    "間间 問问 題题 優优 勢势 戰战 動动 導导 傳传 媒媒 藝艺 術术 圓圆 滿满 匯汇 聚聚 價价 値值 審审 儲储 "
    "鏈链 組组 織织 維维 護护 將将 們们 個个 後后 復复 極极 雜杂 觀观 測测 樂乐 積积 壓压 準准 確确 蘭兰"
)
_T2S = {pair[0]: pair[1] for pair in _T2S_PAIRS.split() if pair[0] != pair[1]}
_T2S_TABLE = str.maketrans(_T2S)
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Fold case, width and Traditional→Simplified; collapse whitespace. Used for both query and names."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_T2S_TABLE)
    return _SPACE.sub(" ", text).strip()


def _tuple(values, what: str) -> tuple:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise LayerError(f"{what} must be a list, got {type(values).__name__}")
    return tuple(dict.fromkeys(values))  # de-duplicated, order kept


def _bound(value, attribute: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise LayerError(f"fact range for {attribute!r}: bound {value!r} is not a number") from None
    if math.isnan(number):
        raise LayerError(f"fact range for {attribute!r}: bound is NaN")
    return number


@dataclass(frozen=True)
class Filters:
    """A selection of the atlas; all fields default to "everything". Lists are stored as tuples."""

    layers: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    text: str = ""
    fact_ranges: tuple[tuple[str, float | None, float | None], ...] = field(default=())
    period: tuple[str, ...] = ()  # () or (first month, last month), "YYYY-MM"

    def __post_init__(self):
        layers = _tuple(self.layers, "layers")
        bad = [x for x in layers if x not in LAYERS]
        if bad:
            raise LayerError(f"unknown layer {bad[0]!r}; layers are {', '.join(LAYERS)}")
        districts = tuple(str(x) for x in _tuple(self.districts, "districts"))
        bad = [x for x in districts if not ADCODE_PATTERN.match(x)]
        if bad:
            raise LayerError(f"district {bad[0]!r} is not an adcode ({ADCODE_PATTERN.pattern})")
        kinds = _tuple(self.kinds, "kinds")
        all_kinds = {k for per_layer in KINDS.values() for k in per_layer}
        bad = [x for x in kinds if x not in all_kinds]
        if bad:
            raise LayerError(f"unknown kind {bad[0]!r}")
        tags = _tuple(self.tags, "tags")
        bad = [x for x in tags if x not in TAGS]
        if bad:
            raise LayerError(f"unknown tag {bad[0]!r}")
        text = self.text if isinstance(self.text, str) else ""
        ranges = []
        for item in self.fact_ranges or ():
            if isinstance(item, str) or len(item) != 3:
                raise LayerError(f"fact range must be (attribute, min, max), got {item!r}")
            attribute, low, high = item
            if not isinstance(attribute, str) or not attribute or ":" in attribute:
                raise LayerError(f"fact range attribute must be a non-empty name without ':', got {attribute!r}")
            low, high = _bound(low, attribute), _bound(high, attribute)
            if low is not None and high is not None and low > high:
                raise LayerError(f"fact range for {attribute!r}: min {low:g} is greater than max {high:g}")
            ranges.append((attribute, low, high))
        for name, value in (("layers", layers), ("districts", districts), ("kinds", kinds), ("tags", tags),
                            ("text", text.strip()), ("fact_ranges", tuple(ranges)),
                            ("period", _period(self.period))):
            object.__setattr__(self, name, value)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    @property
    def span(self) -> tuple[Month, Month] | None:
        """The period as geo.timeline months, None for no restriction."""
        return (Month.parse(self.period[0]), Month.parse(self.period[1])) if self.period else None

    def to_query(self) -> dict[str, str | list[str]]:
        """URL query parameters (strings and lists of strings); empty criteria are left out.

        Keys: layer, district, kind, tag (lists), q (text), fact (list of "attribute:min:max", bounds may be empty),
        period ("YYYY-MM/YYYY-MM").
        """
        query: dict[str, str | list[str]] = {}
        for key, values in (("layer", self.layers), ("district", self.districts), ("kind", self.kinds),
                            ("tag", self.tags)):
            if values:
                query[key] = list(values)
        if self.text:
            query["q"] = self.text
        if self.fact_ranges:
            query["fact"] = [f"{a}:{_fmt(lo)}:{_fmt(hi)}" for a, lo, hi in self.fact_ranges]
        if self.period:
            query["period"] = "/".join(self.period)
        return query

    @classmethod
    def from_query(cls, query: Mapping[str, str | Iterable[str]]) -> Filters:
        """Inverse of ``to_query``; list values may also come as one comma-separated string. Unknown keys
        are ignored (the page has its own parameters); bad values raise LayerError."""

        def listed(key: str) -> list[str]:
            raw = query.get(key)
            if raw is None:
                return []
            items = raw.split(",") if isinstance(raw, str) else [str(x) for x in raw]
            return [x.strip() for x in items if x.strip()]

        raw_text = query.get("q", "")
        text = raw_text if isinstance(raw_text, str) else " ".join(str(x) for x in raw_text)
        facts = []
        raw_facts = query.get("fact")
        for item in [raw_facts] if isinstance(raw_facts, str) else (raw_facts or []):
            parts = str(item).split(":")
            if len(parts) != 3:
                raise LayerError(f"query parameter fact={item!r} must look like attribute:min:max")
            facts.append((parts[0], parts[1], parts[2]))
        raw_period = query.get("period")
        if raw_period is not None and not isinstance(raw_period, str):
            raw_period = ",".join(str(x) for x in raw_period)
        period = tuple(raw_period.split("/")) if raw_period and raw_period.strip() else ()
        return cls(layers=tuple(listed("layer")), districts=tuple(listed("district")), kinds=tuple(listed("kind")),
                   tags=tuple(listed("tag")), text=text, fact_ranges=tuple(facts), period=period)


def _period(value) -> tuple[str, ...]:
    """() or (first, last) as "YYYY-MM" strings; LayerError naming the problem otherwise."""
    if not value:
        return ()
    if isinstance(value, str) or len(value) != 2:
        raise LayerError(f"period must be (first month, last month), got {value!r}")
    try:
        first, last = Month.parse(str(value[0]).strip()), Month.parse(str(value[1]).strip())
    except DateError as err:
        raise LayerError(f"period: {err}") from None
    if last < first:
        raise LayerError(f"period {first}/{last} ends before it starts")
    return str(first), str(last)


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


# --------------------------------------------------------------------------------------------- matching


def _names(row: pd.Series) -> list[str]:
    names = [row.get("name_zh"), row.get("name_en")]
    aliases = row.get("aliases")
    if isinstance(aliases, list | tuple):
        names.extend(aliases)
    return [normalize_text(n) for n in names if isinstance(n, str) and n.strip()]


def match_kind(row: pd.Series, needle: str) -> str | None:
    """'exact', 'prefix', 'substring' or None: the best match of a normalised needle against the row's names."""
    best = None
    for name in _names(row):
        kind = "exact" if name == needle else "prefix" if name.startswith(needle) else \
            "substring" if needle in name else None
        if kind and (best is None or _MATCH_RANK[kind] < _MATCH_RANK[best]):
            best = kind
    return best


def _fact_in_range(facts, attribute: str, low: float | None, high: float | None) -> bool:
    for fact in facts if isinstance(facts, list) else ():
        if not isinstance(fact, dict) or fact.get("attribute") != attribute:
            continue
        value = fact.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if (low is None or value >= low) and (high is None or value <= high):
            return True
    return False


def _has_any_tag(tags, wanted: set[str]) -> bool:
    return isinstance(tags, list | tuple) and any(t in wanted for t in tags)


def apply_filters(atlas: Atlas, filters: Filters) -> dict[str, gpd.GeoDataFrame]:
    """The filtered layers, in LAYERS order (see the module docstring); frames are copies of the atlas's."""
    out: dict[str, gpd.GeoDataFrame] = {}
    needle = normalize_text(filters.text) if filters.text else ""
    districts = set(filters.districts)
    kinds = set(filters.kinds)
    tags = set(filters.tags)
    for lid, gdf in atlas.layers.items():
        if filters.layers and lid not in filters.layers:
            continue
        mask = pd.Series(True, index=gdf.index)
        if districts and lid != "city" and "adcode" in gdf.columns:
            mask &= gdf["adcode"].isin(districts)
        layer_kinds = kinds & set(KINDS.get(lid, {}))
        if layer_kinds and "kind" in gdf.columns:
            mask &= gdf["kind"].isin(layer_kinds)
        if lid in THEMATIC_LAYERS:
            if tags:
                mask &= gdf["tags"].map(lambda t: _has_any_tag(t, tags)) if "tags" in gdf.columns else False
            if needle:
                mask &= pd.Series([match_kind(row, needle) is not None for _, row in gdf.iterrows()],
                                  index=gdf.index, dtype=bool)
            for attribute, low, high in filters.fact_ranges:
                if "facts" not in gdf.columns:
                    mask &= False
                    continue
                mask &= gdf["facts"].map(lambda f, a=attribute, lo=low, hi=high: _fact_in_range(f, a, lo, hi))
        out[lid] = gdf.loc[mask.astype(bool)].copy()
    if filters.period:
        out = _in_period(out, atlas, filters.span)
    return out


def _in_period(layers: dict[str, gpd.GeoDataFrame], atlas: Atlas, span) -> dict[str, gpd.GeoDataFrame]:
    """The period step of apply_filters: thematic layers through geo.timeline.apply_period; the base map (city,
    districts) stays whole, with only its facts filtered."""
    dated = apply_period({lid: g for lid, g in layers.items() if lid in THEMATIC_LAYERS}, atlas, span)
    out = {}
    for lid, gdf in layers.items():
        if lid not in dated and "facts" in gdf.columns and len(gdf):
            gdf = gdf.copy()
            gdf["facts"] = [facts_in_period(f, span) for f in gdf["facts"]]
        out[lid] = dated.get(lid, gdf)
    return out


def search(atlas: Atlas, text: str, *, limit: int | None = None, filters: Filters | None = None) -> pd.DataFrame:
    """Features whose name_zh, name_en or an alias matches ``text``; best first (exact > prefix > substring,
    then layer order from places to base map, then shorter name). Columns: layer, id, name_zh, name_en, match.

    With ``filters``, only features that pass them (``apply_filters``: its layers, districts, kinds, tags, fact
    ranges; its text is ignored, ``text`` is the query) can be results: what the search offers is on the map.
    """
    needle = normalize_text(text or "")
    if not needle:
        return pd.DataFrame(columns=SEARCH_COLUMNS)
    layers = atlas.layers
    if filters is not None:
        layers = apply_filters(atlas, replace(filters, text=""))
    layer_rank = {lid: i for i, lid in enumerate(reversed(list(LAYERS)))}
    rows = []
    for lid, gdf in layers.items():
        for _, row in gdf.iterrows():
            kind = match_kind(row, needle)
            if kind is None:
                continue
            name_zh = row.get("name_zh") if isinstance(row.get("name_zh"), str) else ""
            name_en = row.get("name_en") if isinstance(row.get("name_en"), str) else ""
            rows.append(((_MATCH_RANK[kind], layer_rank.get(lid, 99), len(name_zh), row["id"]),
                         [lid, row["id"], name_zh, name_en, kind]))
    rows.sort(key=lambda r: r[0])
    frame = pd.DataFrame([r[1] for r in rows], columns=SEARCH_COLUMNS)
    return frame.head(limit) if limit is not None else frame
