"""The view state (layers, filters, selection, basemap, language) and its URL form.

The query string reproduces a view: ``?layers=parks,companies&districts=330106&kinds=data_center&tags=ai
&q=云谷&period=2024-10/2025-06&view=30.2765,120.1605,12&sel=park_china_cloud_valley&basemap=none&lang=en``.
List values are comma-separated; an absent
parameter means the default, ``layers=`` (empty) means no layer; unknown layer ids are dropped (and named
in the warnings), and when none of the asked layers is valid the default layers are shown. ``period`` is two
months within the span of the data's dates (geo.core.timeline.month_span); any date or period geo.core.timeline reads is
accepted and clipped to that span, and the full span is the default (absent). ``view`` is the map's centre (WGS84
latitude, longitude) and zoom; absent = the map's opening view; a ``sel`` fit overrides it. Widgets own the
state during a session (their keys are the names in PARAMS: ``layers`` is the layer pills' list of ids); the URL
is read once per session and written back after every run.
"""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass, field

from geo.core.filters import Filters
from geo.core.schema import ID_PATTERN, KINDS, LAYERS, TAGS
from geo.core.timeline import DateError, Month, parse_date
from layers.basemaps import DEFAULT_BASEMAP
from layers.definitions import DEFAULT_LAYERS
from ui.i18n import DEFAULT_LANG, LANGS

PARAMS = ("layers", "districts", "kinds", "tags", "q", "period", "view", "sel", "basemap", "lang")
ALL_KINDS = tuple(dict.fromkeys(k for per_layer in KINDS.values() for k in per_layer))
MAX_QUERY_LEN = 100
ZOOMS = (6, 19)  # the base map's min and max zoom (layers.render.base_map)
VIEW_DECIMALS = 5  # about 1 m: the centre's precision in the URL


@dataclass(frozen=True)
class View:
    layers: tuple[str, ...] = DEFAULT_LAYERS
    districts: tuple[str, ...] = ()  # adcodes
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    q: str = ""
    period: tuple[str, ...] = ()  # () = the whole span, else (first month, last month) "YYYY-MM"
    at: tuple[float, ...] = ()  # the map's view: () = its opening view, else (lat, lon, zoom), WGS84
    sel: str = ""
    basemap: str = DEFAULT_BASEMAP
    lang: str = DEFAULT_LANG
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def filters(self) -> Filters:
        """The geo.core.filters.Filters of this view (all layers: counts are shown for hidden ones too)."""
        return Filters(districts=self.districts, kinds=self.kinds, tags=self.tags, text=self.q, period=self.period)

    @property
    def filter_key(self) -> tuple:
        """A hashable value identifying the filters (a cache key): districts, kinds, tags, text, period."""
        return (self.districts, self.kinds, self.tags, self.q.strip(), self.period)

    def to_query(self) -> dict[str, str]:
        """Only what differs from the defaults, so a plain URL means the default view."""
        out: dict[str, str] = {}
        if self.layers != DEFAULT_LAYERS:
            out["layers"] = ",".join(self.layers)
        for key in ("districts", "kinds", "tags"):
            if getattr(self, key):
                out[key] = ",".join(getattr(self, key))
        if self.q.strip():
            out["q"] = self.q.strip()
        if self.period:
            out["period"] = "/".join(self.period)
        if self.at:
            out["view"] = format_view(self.at)
        if self.sel:
            out["sel"] = self.sel
        if self.basemap != DEFAULT_BASEMAP:
            out["basemap"] = self.basemap
        if self.lang != DEFAULT_LANG:
            out["lang"] = self.lang
        return out


def _split(raw: str | None) -> list[str]:
    return [x.strip() for x in (raw or "").split(",") if x.strip()]


def span_months(span: tuple[str, str] | None) -> list[str]:
    """Every month of a span ("YYYY-MM" strings, both ends included): the time slider's options."""
    if not span:
        return []
    first, last = Month.parse(span[0]).index, Month.parse(span[1]).index
    return [str(Month.from_index(i)) for i in range(first, last + 1)]


def normal_period(value, span: tuple[str, str] | None) -> tuple[str, ...]:
    """A period as View holds it: () for none or the whole span, else (first, last) months within the span."""
    if not value or not span or len(value) != 2:
        return ()
    first, last = max(str(value[0]), span[0]), min(str(value[1]), span[1])
    if last < first or (first, last) == tuple(span):
        return ()
    return first, last


def parse_period(raw: str, span: tuple[str, str] | None) -> tuple[str, ...] | None:
    """The URL's ``period`` (any date or period geo.core.timeline reads: 2024-10/2025-06, 2025, 2025-07-15) as
    months clipped to ``span``; None when it does not parse or lies wholly outside the span."""
    try:
        first, last = parse_date(raw)
    except DateError:
        return None
    if not span or str(last) < span[0] or str(first) > span[1]:
        return None
    return normal_period((str(first), str(last)), span)


def _number(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".")


def format_view(at: tuple[float, ...]) -> str:
    """The URL's ``view``: "lat,lon,zoom" (centre to VIEW_DECIMALS, zoom to 2 decimals, trailing zeros left out)."""
    lat, lon, zoom = at
    return ",".join((_number(lat, VIEW_DECIMALS), _number(lon, VIEW_DECIMALS), _number(zoom, 2)))


def normal_view(lat, lon, zoom) -> tuple[float, ...] | None:
    """(lat, lon, zoom) rounded as the URL holds it; None when not finite numbers, latitude outside ±85,
    longitude outside ±180 or zoom outside ZOOMS."""
    try:
        lat, lon, zoom = float(lat), float(lon), float(zoom)
    except (TypeError, ValueError):
        return None
    if not (-85 <= lat <= 85 and -180 <= lon <= 180 and ZOOMS[0] <= zoom <= ZOOMS[1]):
        return None  # NaN fails every comparison too
    return round(lat, VIEW_DECIMALS), round(lon, VIEW_DECIMALS), round(zoom, 2)


def parse_view(raw: str) -> tuple[float, ...] | None:
    """The URL's ``view`` ("30.2765,120.1605,12": latitude, longitude, zoom); None when it is not that."""
    parts = raw.split(",")
    return normal_view(*parts) if len(parts) == 3 else None


def from_query(query: Mapping[str, str], *, basemaps: list[str], district_ids: Mapping[str, str],
               feature_ids: Container[str] | None = None, span: tuple[str, str] | None = None) -> View:
    """Parse URL parameters; invalid values are dropped and reported in ``View.warnings`` (never raise).

    ``district_ids`` maps district feature ids (dist_xihu) to adcodes: both forms are accepted in the URL.
    ``span`` is (first, last) month of the data's dates; without it no period is accepted.
    """
    warnings: list[str] = []

    def keep(key: str, values: list[str], allowed) -> tuple[str, ...]:
        good = [v for v in values if v in allowed]
        bad = [v for v in values if v not in allowed]
        if bad:
            warnings.append(f"{key}={','.join(bad)}")
        return tuple(dict.fromkeys(good))

    kwargs: dict = {}
    if "layers" in query:  # "layers=" (empty) means no layer; only bad values fall back to the defaults
        asked = _split(query["layers"])
        kwargs["layers"] = keep("layers", asked, LAYERS) or (DEFAULT_LAYERS if asked else ())
    adcodes = set(district_ids.values())
    districts = [district_ids.get(v, v) for v in _split(query.get("districts"))]
    kwargs["districts"] = keep("districts", districts, adcodes)
    kwargs["kinds"] = keep("kinds", _split(query.get("kinds")), ALL_KINDS)
    kwargs["tags"] = keep("tags", _split(query.get("tags")), TAGS)
    q = (query.get("q") or "").strip()
    if len(q) > MAX_QUERY_LEN:
        warnings.append("q (too long)")
        q = q[:MAX_QUERY_LEN]
    kwargs["q"] = q
    raw_period = (query.get("period") or "").strip()
    if raw_period:
        parsed = parse_period(raw_period[:32], span)
        if parsed is None:
            warnings.append(f"period={raw_period[:32]}")
        kwargs["period"] = parsed or ()
    raw_view = (query.get("view") or "").strip()
    if raw_view:
        at = parse_view(raw_view[:64])
        if at is None:
            warnings.append(f"view={raw_view[:64]}")
        kwargs["at"] = at or ()
    sel = (query.get("sel") or "").strip()
    if sel and (not ID_PATTERN.match(sel) or (feature_ids is not None and sel not in feature_ids)):
        warnings.append(f"sel={sel[:64]}")
        sel = ""
    kwargs["sel"] = sel
    for key, allowed, default in (("basemap", basemaps, DEFAULT_BASEMAP), ("lang", LANGS, DEFAULT_LANG)):
        value = (query.get(key) or "").strip()
        if value and value not in allowed:
            warnings.append(f"{key}={value[:32]}")
            value = ""
        kwargs[key] = value or (default if default in allowed else allowed[0])
    return View(**kwargs, warnings=tuple(warnings))
