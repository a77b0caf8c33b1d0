"""KML for ``geo.io.upload``: text made UTF-8 whatever it was written in (its XML declaration, a BOM, or GBK without
a declaration), checked as XML before GDAL sees it (a cut-off file or broken tag named by line), every folder read
into one layer with a ``folder`` column, ExtendedData field names kept as written (GDAL's
``LIBKML_LAUNDER_FIELD_NAMES=NO``), and the columns GDAL adds for KML elements dropped when unused.

Safety: a DOCTYPE or entity declaration is refused before any XML parser sees the text.
"""

from __future__ import annotations

import codecs
import re
import warnings
import xml.parsers.expat
from xml.etree import ElementTree

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from geo.errors import UnsafeUploadError, UploadReadError
from geo.errors import upload_error as fail
from geo.io.upload_table import decode_text

# Field names as written: "电话", "邮编" (libkml's default makes both "______", losing a column).
pyogrio.set_gdal_config_options({"LIBKML_LAUNDER_FIELD_NAMES": "NO"})

_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_ANY_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
# Codecs a declaration may name that mean a superset in practice (GB2312 files hold GBK characters).
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030"}
_KML_FLAGS = ("tessellate", "extrude", "visibility", "drawOrder")
_KML_DEFAULT_COLUMNS = ("id", "description", "timestamp", "begin", "end", "altitudeMode", "icon", "snippet",
                        *_KML_FLAGS)


def kml_text(name: str, data: bytes, encoding: str = "auto") -> tuple[bytes, str]:
    """UTF-8 KML bytes (declaration rewritten) and the encoding it was read in; UploadError with the reason when
    the file is empty, not KML, unsafe, cut off or broken XML."""
    text, used = _decode(name, data, encoding)
    if not text.strip():
        raise fail(UploadReadError, "empty", name)
    head = text[:4096].lower()
    if "<kml" not in head and ("<html" in head or "<!doctype html" in head or "<body" in head):
        raise fail(UploadReadError, "not_kml", name, found="web page")
    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        raise fail(UnsafeUploadError, "xml_entity", name)
    if "<kml" not in text.lower():
        raise fail(UploadReadError, "not_kml", name, found="XML without <kml>" if text.lstrip().startswith("<")
                   else "text")
    text = _ANY_DECLARATION.sub(lambda m: "\n" * m.group(0).count("\n"), text.lstrip("\ufeff"), count=1)
    _check_xml(name, text)
    return ('<?xml version="1.0" encoding="UTF-8"?>' + text).encode("utf-8"), used


def _decode(name: str, data: bytes, encoding: str) -> tuple[str, str]:
    if encoding == "auto" and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF8)):
        declared = _DECLARATION.match(data[:200])
        if declared:
            codec = declared.group(1).decode("ascii").lower()
            codec = _WIDER.get(codec, codec)
            try:
                codecs.lookup(codec)
            except LookupError:
                codec = "auto"
            if codec != "auto":
                try:
                    return data.decode(codec), codec
                except UnicodeDecodeError:
                    pass  # a wrong declaration: detect below
    return decode_text(name, data, encoding)


def _check_xml(name: str, text: str) -> None:
    parser = xml.parsers.expat.ParserCreate()
    try:
        parser.Parse(text.encode("utf-8"), True)
    except xml.parsers.expat.ExpatError as err:
        lines = text.rstrip().count("\n") + 1
        at_end = err.code in (xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_NO_ELEMENTS],
                              xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_UNCLOSED_TOKEN],
                              xml.parsers.expat.errors.codes[xml.parsers.expat.errors.XML_ERROR_PARTIAL_CHAR])
        if at_end or err.lineno >= lines:
            raise fail(UploadReadError, "cut_off", name, lineno=err.lineno) from None
        raise fail(UploadReadError, "bad_xml", name, lineno=err.lineno,
                   column=err.offset + 1) from None


def read_kml(data: bytes, max_features: int) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Every layer (folder) of a KML with features, in file order, as one frame; ``folder`` names each feature's
    folder when the file has folders. Returns (frame, layer names); the frame is empty when nothing is there."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        layers = [str(row[0]) for row in pyogrio.list_layers(data)]
        if len(layers) > FLATTEN_FROM:  # GDAL parses the whole file again for every layer: read it as one
            flat = flatten_folders(data)
            if flat is not None:
                gdf = pyogrio.read_dataframe(flat, layer=0, max_features=max_features + 1)
                return _tidy(gdf, layers), layers
        frames = []
        for index, layer in enumerate(layers):
            frame = pyogrio.read_dataframe(data, layer=index, max_features=max_features + 1)
            if len(frame):
                frames.append(frame.assign(folder=layer))
            if sum(map(len, frames)) > max_features:
                break
    if not frames:
        return gpd.GeoDataFrame(geometry=[], crs="EPSG:4326"), layers
    gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    return _tidy(gdf, layers), layers


def _tidy(gdf: gpd.GeoDataFrame, layers: list[str]) -> gpd.GeoDataFrame:
    if len(layers) == 1 and "folder" in gdf.columns:  # one folder (or none): nothing to tell features apart by
        gdf = gdf.drop(columns="folder")
    if "Name" in gdf.columns and "name" not in gdf.columns:
        gdf = gdf.rename(columns={"Name": "name"})  # the placemark's <name>
    elif "Name" in gdf.columns and gdf["Name"].astype(str).equals(gdf["name"].astype(str)):
        gdf = gdf.drop(columns="Name")
    if "id" in gdf.columns and _generated_ids(gdf["id"]):
        gdf = gdf.drop(columns="id")
    return _drop_unused(gdf)


FLATTEN_FROM = 8  # layers (folders); below this, reading each layer is as fast
_GEOMETRY_TAGS = ("Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Model", "Track", "MultiTrack")


def flatten_folders(data: bytes) -> bytes | None:
    """The KML with every placemark in one document, each carrying its innermost folder's name (the document's
    for placemarks outside folders, as GDAL names its layers) as ExtendedData ``folder``; styles and schemas kept.
    None when the XML cannot be rebuilt (the caller then reads folder by folder)."""
    try:
        root = ElementTree.fromstring(data)  # DOCTYPE and entities were refused before (kml_text)
    except ElementTree.ParseError:
        return None
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    if ns:  # written back as <kml xmlns=…> (GDAL recognises KML by "<kml"), Google's extensions as gx:
        ElementTree.register_namespace("", ns[1:-1])
        ElementTree.register_namespace("gx", "http://www.google.com/kml/ext/2.2")
    kept: list = []
    marks: list = []

    def walk(element, folder: str) -> None:
        for child in list(element):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("Folder", "Document"):
                name = child.find(f"{ns}name")
                walk(child, name.text.strip() if name is not None and name.text and name.text.strip() else folder)
            elif tag == "Placemark":
                marks.append((child, folder))
            elif tag in ("Style", "StyleMap", "Schema"):
                kept.append(child)

    walk(root, "")
    document = ElementTree.Element(f"{ns}Document")
    document.extend(kept)
    for mark, folder in marks:
        extended = mark.find(f"{ns}ExtendedData")
        if extended is None:
            extended = ElementTree.Element(f"{ns}ExtendedData")
            at = next((i for i, c in enumerate(mark) if c.tag.rsplit("}", 1)[-1] in _GEOMETRY_TAGS), len(mark))
            mark.insert(at, extended)
        item = ElementTree.SubElement(extended, f"{ns}Data", name="folder")
        ElementTree.SubElement(item, f"{ns}value").text = folder
        document.append(mark)
    out = ElementTree.Element(root.tag, root.attrib)
    out.append(document)
    return b'<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(out, encoding="utf-8",
                                                                           xml_declaration=False)


def _generated_ids(ids: pd.Series) -> bool:
    """Placemark ids GDAL wrote itself (``<layer>.1``, ``<layer>.2``…), which say nothing about the feature."""
    text = ids.astype(str).str.rsplit(".", n=1, expand=True)
    if text.shape[1] != 2:
        return False
    return text[1].tolist() == [str(i) for i in range(1, len(ids) + 1)] and text[0].nunique() <= len(set(ids)) \
        and text[0].nunique() < 20


def _drop_unused(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """GDAL adds a column per KML element (begin, tessellate, ...): drop those left empty or at their defaults."""
    unused = []
    for column in _KML_DEFAULT_COLUMNS:
        if column not in gdf.columns:
            continue
        values = gdf[column].astype(object).to_numpy()
        blank = pd.isna(values) | (values == "")
        if column in _KML_FLAGS:
            blank |= np.isin(values, (-1, 0))
        if blank.all():
            unused.append(column)
    return gdf.drop(columns=unused)
