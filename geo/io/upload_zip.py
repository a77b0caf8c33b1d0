"""Zip uploads for ``geo.io.upload``: entries checked before anything is extracted (no absolute or ``..`` paths,
entry count and unzipped-size limits, a lying size header caught while reading), the Shapefile's parts re-packed
flat in memory, its text encoding found, and the field names the atlas's own Shapefile export cut to 10 bytes
restored from the ``fields.csv`` it writes next to them.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import PurePosixPath

from geo.errors import UnsafeUploadError, UploadLimitError, UploadReadError
from geo.errors import upload_error as fail

SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def safe_zip(name: str, data: bytes, limits, *, driver: str = "zip") -> zipfile.ZipFile:
    """Open a zip after checking its entries: no absolute or ``..`` paths, entry count and total size limits."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as err:
        raise fail(UploadReadError, "corrupt", name, driver=driver, detail=str(err)) from None
    infos = archive.infolist()
    if len(infos) > limits.max_zip_entries:
        raise fail(UploadLimitError, "zip_too_many_entries", name, count=len(infos), limit=limits.max_zip_entries)
    for info in infos:
        entry = info.filename.replace("\\", "/")
        parts = PurePosixPath(entry).parts
        if entry.startswith("/") or ".." in parts or (parts and ":" in parts[0]):
            raise fail(UnsafeUploadError, "zip_unsafe_path", name, entry=info.filename[:120])
    if sum(info.file_size for info in infos) > limits.max_unzipped_bytes:
        raise fail(UploadLimitError, "zip_bomb", name, limit_mb=f"{limits.max_unzipped_bytes / 2**20:g}")
    return archive


def read_member(name: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    """An entry's bytes, reading at most ``budget`` + 1 bytes whatever its header claims (a lying header)."""
    try:
        with archive.open(info) as handle:
            content = handle.read(budget + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as err:
        raise fail(UploadReadError, "corrupt", name, driver="zip", detail=str(err)) from None
    if len(content) > budget:
        raise fail(UploadLimitError, "zip_bomb", name, limit_mb=f"{budget / 2**20:g}")
    return content


def shapefile_bytes(name: str, data: bytes, encoding: str, limits) -> tuple[bytes, str | None, dict[str, str]]:
    """Check a zipped Shapefile and re-pack its parts (flat, fixed names) in memory; the encoding to read it with
    and the field -> property names of the atlas export's ``fields.csv`` (empty when there is none)."""
    archive = safe_zip(name, data, limits)
    members = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename
               and not PurePosixPath(i.filename).name.startswith(".")]
    shps = [i for i in members if i.filename.lower().endswith(".shp")]
    listed = ", ".join(i.filename for i in members[:8]) or "none"
    if not shps:
        raise fail(UploadReadError, "zip_no_shp", name, entries=listed)
    if len(shps) > 1:
        raise fail(UploadReadError, "zip_many_shp", name, entries=", ".join(i.filename for i in shps[:8]))
    stem = shps[0].filename[:-4].lower()
    parts = {i.filename[len(stem):].lower(): i for i in members if i.filename.lower().startswith(stem)
             and i.filename[len(stem):].lower() in SHAPEFILE_PARTS}
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        raise fail(UploadReadError, "zip_incomplete_shp", name, missing=", ".join(missing))
    budget = limits.max_unzipped_bytes
    out = io.BytesIO()
    contents: dict[str, bytes] = {}
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as repacked:
        for ext, info in parts.items():
            contents[ext] = read_member(name, archive, info, budget)
            budget -= len(contents[ext])
            repacked.writestr(f"upload{ext}", contents[ext])
    shp = contents[".shp"]
    if len(shp) < 100 or int.from_bytes(shp[:4], "big") != 9994:  # the Shapefile's file code
        raise fail(UploadReadError, "corrupt", name, driver="ESRI Shapefile", detail="no Shapefile header")
    if int.from_bytes(shp[24:28], "big") * 2 > len(shp):  # its header gives its length in 16-bit words
        raise fail(UploadReadError, "shp_cut_off", name, size=len(shp), expected=int.from_bytes(shp[24:28], "big") * 2)
    if encoding == "auto":
        encoding = _dbf_encoding(contents) if ".cpg" not in contents else None
    return out.getvalue(), encoding, _export_fields(name, archive, members, PurePosixPath(shps[0].filename).name)


def _export_fields(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], shp: str) -> dict[str, str]:
    listing = [i for i in members if PurePosixPath(i.filename).name.lower() == "fields.csv"]
    if len(listing) != 1:
        return {}
    text = read_member(name, archive, listing[0], 2**20).decode("utf-8-sig", errors="replace")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"file", "field", "property"} <= set(rows[0]):
        return {}
    return {r["field"]: r["property"] for r in rows if r.get("file") == shp and r.get("field") and r.get("property")}


def _dbf_encoding(parts: dict[str, bytes]) -> str:
    """A .dbf without .cpg: UTF-8 if its records decode as UTF-8, else GB18030 (GBK's superset)."""
    dbf = parts[".dbf"]
    header = int.from_bytes(dbf[8:10], "little") if len(dbf) >= 10 else 0
    try:
        dbf[header:].decode("utf-8")
    except UnicodeDecodeError:
        return "GB18030"
    return "UTF-8"




def inner_file(name: str, data: bytes, limits, formats) -> tuple[str, bytes] | None:
    """The one file of a supported format in a zip without a Shapefile (a zipped GeoJSON, a KMZ's doc.kml), as
    (its name, its bytes); None when the zip holds a Shapefile or not exactly one such file."""
    archive = safe_zip(name, data, limits)
    members = [i for i in archive.infolist() if not i.is_dir() and "__MACOSX" not in i.filename
               and not PurePosixPath(i.filename).name.startswith(".")]
    if any(i.filename.lower().endswith(".shp") for i in members):
        return None
    found = [i for i in members if PurePosixPath(i.filename).suffix.lower() in formats]
    if len(found) != 1:
        return None
    return PurePosixPath(found[0].filename).name, read_member(name, archive, found[0], limits.max_unzipped_bytes)
