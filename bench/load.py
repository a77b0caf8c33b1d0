"""Load test: N visitors at once through Streamlit's own websocket protocol (``make load``).

    .venv/bin/python -m bench.load                      # one process, N = 1, 10, 25, 50, 100
    .venv/bin/python -m bench.load --replicas 2         # the same through HAProxy and 2 replicas (make serve)
    .venv/bin/python -m bench.load --levels 50 --file-watcher auto   # the development settings, for comparison

Each simulated visitor does what a browser tab does, on localhost only: GET the page (keeping the balancer's
sticky cookie), open ``/_stcore/stream`` with the ``streamlit`` subprotocol, send a ``BackMsg.rerun_script``
and read ForwardMsgs until ``script_finished`` (its "first page"); when every visitor of the level has its
first page, each sends one interaction: a widget-state rerun that sets the district filter (the
``districts`` multiselect, a different district per visitor) and reports the hashes of the cacheable messages
it already has, as the browser does. The interaction counts as served when the script finished and the page's
URL (``page_info_changed``) carries the district.

Reported per level: served %, p50/p95 of the first page and of the interaction (seconds from the request, so
queueing behind the other visitors is included), bytes received per visitor, server CPU seconds per visitor
for the first page and for the interaction (utime+stime of the server processes from /proc), and RSS: growth
per 50 open sessions, and what is left after the visitors close (measured once Streamlit has dropped the
disconnected sessions: ``server.disconnectedSessionTTL``, set to LOAD_SESSION_TTL_S here).

A few real Chromium pages open during each level (``--browser-pages``) and must draw the map's features.
Every loop is bounded (the number of visitors and a timeout per step); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import statistics
import tempfile
import time
from pathlib import Path

from bench.load_probe import BROWSER_TIMEOUT_S, BrowserProbe
from devtools.visitor import Visitor

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
LEVELS = (1, 10, 25, 50, 100)
LOAD_SESSION_TTL_S = 5  # server.disconnectedSessionTTL of the servers this test starts (production keeps 120 s)
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- server processes, from /proc


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
    return total / CLK_TCK


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


# --------------------------------------------------------------------------- one level


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


async def level(host: str, port: int, n: int, pids: list[int], log, interaction: str = "district",
                label: str = "", select: str = "", static: tuple[str, ...] = ()) -> dict:
    """n visitors at once: first pages, then one interaction each (a district, or a plain rerun), then, with
    ``select`` (a feature id), one selection on the map each."""
    visitors = [Visitor(host, port, i, interaction, static) for i in range(n)]
    cpu0, rss0 = cpu_seconds(pids), rss_mb(pids)
    t0 = time.perf_counter()
    await asyncio.gather(*(v.open() for v in visitors))
    cpu1 = cpu_seconds(pids)
    t1 = time.perf_counter()
    await asyncio.gather(*(v.interact() for v in visitors))
    cpu2 = cpu_seconds(pids)
    t2 = time.perf_counter()
    if select:
        await asyncio.gather(*(v.select(select) for v in visitors))
    cpu3, rss_open = cpu_seconds(pids), rss_mb(pids)
    await asyncio.gather(*(v.close() for v in visitors))
    await asyncio.sleep(LOAD_SESSION_TTL_S + 6)  # Streamlit drops disconnected sessions after the TTL
    rss_closed = rss_mb(pids)
    visits = [v.visit for v in visitors]
    first = [v.first_s for v in visits if v.first_ok]
    inter = [v.interaction_s for v in visits if v.interaction_ok]
    sel = [v.select_s for v in visits if v.select_ok]
    served = sum(v.first_ok and v.interaction_ok and (v.select_ok or not select) for v in visits)
    row = {
        "n": n, "served_pct": round(100 * served / n, 1),
        "first_served": len(first), "interaction_served": len(inter),
        "first_p50_s": pct(first, 50), "first_p95_s": pct(first, 95),
        "interaction_p50_s": pct(inter, 50), "interaction_p95_s": pct(inter, 95),
        "first_wall_s": t1 - t0, "interaction_wall_s": t2 - t1,
        "kb_per_session": sum(v.bytes for v in visits) / n / 1024,
        "deltas_first_page": statistics.median([v.deltas for v in visits]),
        "cpu_first_s": (cpu1 - cpu0) / n, "cpu_interaction_s": (cpu2 - cpu1) / n,
        "select_p95_s": pct(sel, 95) if select else None, "cpu_select_s": (cpu3 - cpu2) / n if select else None,
        "rss_before_mb": rss0, "rss_open_mb": rss_open, "rss_closed_mb": rss_closed,
        "rss_per_50_mb": (rss_open - rss0) / n * 50, "rss_left_after_close_mb": rss_closed - rss0,
        "errors": sorted({v.error for v in visits if v.error})[:5],
    }
    log(f"  {label:5s} N={n:3d}: served {row['served_pct']:5.1f}%  first p50 {_f(row['first_p50_s'])} p95 "
        f"{_f(row['first_p95_s'])}  interaction p50 {_f(row['interaction_p50_s'])} p95 "
        f"{_f(row['interaction_p95_s'])}  {row['kb_per_session']:.0f} KB  {row['deltas_first_page']:.0f} deltas  "
        f"CPU {row['cpu_first_s']:.3f}+{row['cpu_interaction_s']:.3f}"
        + (f"+{row['cpu_select_s']:.3f} (selection, p95 {_f(row['select_p95_s'])})" if select else "") + " s  "
        f"RSS {rss0:.0f}->{rss_open:.0f}->{rss_closed:.0f} MB"
        + (f"  errors: {row['errors']}" if row["errors"] else ""))
    return row


def _f(x: float | None) -> str:
    return "  -  " if x is None else f"{x:5.2f}"


# --------------------------------------------------------------------------- the run


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return {"date": dt.date.today().isoformat(), "nproc": os.cpu_count(), "cpu": cpu,
            "load_avg_at_start": os.getloadavg()[0], "python": platform.python_version()}


def bare_server(tmp: Path, settings: dict[str, str]):
    """bench/bare_app.py (one st_folium map, one marker: Streamlit's and streamlit-folium's floor) on one process
    with the same settings, next to a link to ./static as the atlas has."""
    from bench.browser_bench import bare_script
    from serve.launcher import AppServer

    return AppServer(None, tmp / "bare.log", settings=settings, script=bare_script(tmp / "bare"))


def ratios(atlas: dict, bare: dict) -> dict:
    """The atlas's figures as multiples of the bare page's at the same level of the same run."""
    out = {}
    for key in ("first_p50_s", "first_p95_s", "interaction_p95_s", "cpu_first_s", "cpu_interaction_s"):
        a, b = atlas.get(key), bare.get(key)
        out[key] = round(a / b, 2) if a is not None and b else None
    a, b = atlas.get("cpu_select_s"), bare.get("cpu_interaction_s")  # a selection against the bare page's rerun
    out["cpu_select_s"] = round(a / b, 2) if a is not None and b else None
    return out


def a_feature_id(data_dir: Path) -> str:
    """The id of the first park (or of any point layer's first feature) in ``data_dir``: what visitors select."""
    for name in ("parks", "labs", "universities", "companies"):
        path = data_dir / f"{name}.geojson"
        if path.exists():
            features = json.loads(path.read_text(encoding="utf-8")).get("features") or []
            if features:
                return features[0]["properties"]["id"]
    return ""


def run(levels: tuple[int, ...], replicas: int, data_dir: Path, browser_pages: int, settings: dict[str, str],
        script: str = "streamlit_app.py", log=print, bare: bool = True, churn: int = 0, static: bool = False) -> dict:
    """Each level on the atlas and, in the same run, on the bare page (alternating which goes first), then
    ``churn`` sessions opened and closed in batches of CHURN_BATCH on the atlas (RSS after each batch). With
    ``static``, every visitor also fetches the static files a first-time Chromium page fetched from that page's
    server (recorded once per page at the start: bench/load_probe.py record_static)."""
    from serve.balancer import Cluster
    from serve.launcher import AppServer

    settings = {"server.disconnectedSessionTTL": str(LOAD_SESSION_TTL_S), **settings}
    tmp = Path(tempfile.mkdtemp(prefix="atlas-load-"))
    if replicas:
        target = Cluster(replicas, data_dir, tmp, settings=settings, script=script)
    else:
        target = AppServer(data_dir, tmp / "app.log", settings=settings, script=script)
    floor = bare_server(tmp, settings) if bare else contextlib.nullcontext()
    probe = BrowserProbe() if browser_pages else None
    result = {"machine": machine(), "replicas": replicas, "settings": settings, "script": script,
              "data": str(data_dir), "levels": [], "bare": [], "ratios": []}
    try:
        with target, floor:
            port = target.port
            # the server's CPU and memory: the replicas' and, with a balancer, HAProxy's own (its cache serves files)
            pids = target.pids() + [target.proc.pid] if replicas else [target.pid]
            log(f"load: {'balancer with ' + str(replicas) + ' replicas' if replicas else 'one process'} on "
                f"127.0.0.1:{port}, pids {pids}, data {data_dir}"
                + (f"; bare page on 127.0.0.1:{floor.port}, pid {floor.pid}" if bare else ""))
            select = a_feature_id(data_dir)
            files = {"atlas": (), "bare": ()}
            if static:
                from bench.load_probe import record_static

                # the page the visitors open (no query: the default view, so the same map scripts)
                files["atlas"] = tuple(record_static(f"http://127.0.0.1:{port}/"))
                if bare:
                    files["bare"] = tuple(record_static(f"http://127.0.0.1:{floor.port}/"))
                result["static_files"] = {k: len(v) for k, v in files.items()}
                log(f"static files of a first-time browser: atlas {len(files['atlas'])}, bare {len(files['bare'])}")
            warm = asyncio.run(level("127.0.0.1", port, max(replicas, 1), pids, lambda *_: None, select=select))
            if warm["served_pct"] < 100:
                raise RuntimeError(f"warm-up visit failed: {warm['errors']}")
            if bare:
                asyncio.run(level("127.0.0.1", floor.port, 1, [floor.pid], lambda *_: None, "rerun"))
            for i, n in enumerate(levels):
                fut = probe.check(f"http://127.0.0.1:{port}/?basemap=none", browser_pages) if probe else None
                bare_row = None
                if bare and i % 2:  # alternate which page goes first
                    bare_row = asyncio.run(level("127.0.0.1", floor.port, n, [floor.pid], log, "rerun", "bare",
                                                 static=files["bare"]))
                row = asyncio.run(level("127.0.0.1", port, n, pids, log, "district", "atlas", select, files["atlas"]))
                if bare and not i % 2:
                    bare_row = asyncio.run(level("127.0.0.1", floor.port, n, [floor.pid], log, "rerun", "bare",
                                                 static=files["bare"]))
                if fut is not None:
                    pages = probe.result(fut, BROWSER_TIMEOUT_S * (browser_pages + 1))
                    row["browser_pages"] = pages
                    row["browser_drawn"] = f"{sum(p['ok'] for p in pages)}/{len(pages)}"
                    log(f"         Chromium pages during the load: map drawn {row['browser_drawn']} "
                        "(" + ", ".join(f"{p.get('s', 0):.1f} s" for p in pages) + ")"
                        + "".join(f"\n           {p['error']}" for p in pages if p.get("error")))
                result["levels"].append(row)
                if bare_row is not None:
                    result["bare"].append(bare_row)
                    r = {"n": n, **ratios(row, bare_row)}
                    result["ratios"].append(r)
                    log(f"        ratios to bare: first p95 {_x(r['first_p95_s'])}  CPU/first page "
                        f"{_x(r['cpu_first_s'])}  CPU/interaction {_x(r['cpu_interaction_s'])}  CPU/selection "
                        f"{_x(r['cpu_select_s'])} (to the bare rerun)")
            if churn:
                result["churn"] = asyncio.run(churn_sessions("127.0.0.1", port, churn, pids, log))
    finally:
        if probe is not None:
            probe.close()
    return result


CHURN_BATCH = 50


async def churn_sessions(host: str, port: int, total: int, pids: list[int], log) -> dict:
    """``total`` sessions opened (first page) and closed, CHURN_BATCH at a time (a bounded loop); RSS once
    Streamlit has dropped each batch's sessions. Memory is bounded if it levels off instead of growing with
    the sessions served."""
    rss = [rss_mb(pids)]
    served = 0
    for _ in range(-(-total // CHURN_BATCH)):
        visitors = [Visitor(host, port, i, "rerun") for i in range(min(CHURN_BATCH, total - served))]
        await asyncio.gather(*(v.open() for v in visitors))
        await asyncio.gather(*(v.close() for v in visitors))
        served += sum(v.visit.first_ok for v in visitors)
        await asyncio.sleep(LOAD_SESSION_TTL_S + 6)
        rss.append(rss_mb(pids))
        log(f"  churn: {served:4d} sessions opened and closed, RSS {rss[-1]:.0f} MB")
    return {"sessions": total, "served": served, "rss_mb": rss, "growth_mb": rss[-1] - rss[0],
            "growth_last_half_mb": rss[-1] - rss[len(rss) // 2]}


def _f3(v: float | None) -> str:
    return "–" if v is None else f"{v:.3f}"


def _x(v: float | None) -> str:
    return "  -  " if v is None else f"{v:.2f}x"


def markdown(result: dict) -> str:
    lines = ["| page | N | served | first page p50 / p95 (s) | interaction p50 / p95 (s) | KB / session | "
             "CPU s / first page | CPU s / interaction | CPU s / selection | "
             "RSS growth / 50 sessions (MB) | RSS left after close (MB) | "
             "Chromium map drawn |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|"]
    rows = [("atlas", r) for r in result["levels"]] + [("bare", r) for r in result.get("bare", [])]
    for page, r in sorted(rows, key=lambda pr: (pr[1]["n"], pr[0])):
        lines.append(
            f"| {page} | {r['n']} | {r['served_pct']:.0f}% | {_f(r['first_p50_s']).strip()} / "
            f"{_f(r['first_p95_s']).strip()} | {_f(r['interaction_p50_s']).strip()} / "
            f"{_f(r['interaction_p95_s']).strip()} | {r['kb_per_session']:.0f} | {r['cpu_first_s']:.3f} | "
            f"{r['cpu_interaction_s']:.3f} | {_f3(r.get('cpu_select_s'))} | {r['rss_per_50_mb']:.0f} | "
            f"{r['rss_left_after_close_mb']:.0f} | "
            f"{r.get('browser_drawn', '–')} |")
    if result.get("ratios"):
        lines += ["", "| N | atlas / bare: first page p50 | p95 | CPU / first page | CPU / district filter | "
                  "CPU / selection (to the bare rerun) |", "|---:|---:|---:|---:|---:|---:|"]
        for r in result["ratios"]:
            lines.append(f"| {r['n']} | {_x(r['first_p50_s'])} | {_x(r['first_p95_s'])} | {_x(r['cpu_first_s'])} | "
                         f"{_x(r['cpu_interaction_s'])} | {_x(r.get('cpu_select_s'))} |")
    if result.get("churn"):
        c = result["churn"]
        lines += ["", f"{c['served']}/{c['sessions']} sessions opened and closed, {CHURN_BATCH} at a time: RSS "
                  + " → ".join(f"{x:.0f}" for x in c["rss_mb"]) + f" MB (growth {c['growth_mb']:.0f} MB, "
                  f"{c['growth_last_half_mb']:.0f} MB over the second half)"]
    return "\n".join(lines)


def _exit_on_sigterm(*_):
    raise SystemExit(143)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="visitors at once, comma-separated")
    parser.add_argument("--replicas", type=int, default=0, help="0: one process; k: HAProxy and k replicas")
    parser.add_argument("--data", type=Path, default=ROOT / "data", help="ATLAS_DATA_DIR of the servers")
    parser.add_argument("--browser-pages", type=int, default=2, help="Chromium pages per level (0: none)")
    parser.add_argument("--file-watcher", default="none", help="server.fileWatcherType (auto: development)")
    parser.add_argument("--script", default="streamlit_app.py",
                        help="the app to serve (another checkout's streamlit_app.py, to compare versions)")
    parser.add_argument("--set", action="append", default=[], metavar="OPTION=VALUE",
                        help="a Streamlit option for both servers, e.g. runner.postScriptGC=true (the old default)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare page (bench/bare_app.py)")
    parser.add_argument("--synthetic", type=int, default=0, metavar="N",
                        help="serve an atlas with N synthetic companies (bench/synthetic.py) instead of --data")
    parser.add_argument("--churn", type=int, default=0, metavar="N",
                        help="then open and close N sessions, 50 at a time, and report RSS after each batch")
    parser.add_argument("--static", action="store_true",
                        help="visitors also fetch the static files a first-time Chromium page fetches (recorded)")
    parser.add_argument("--tag", default="", help="name of the results file: bench/out/load-<tag>.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # so the servers started here are stopped (finally:)
    levels = tuple(int(x) for x in args.levels.split(",") if x.strip())
    if any(n < 1 or n > 200 for n in levels):
        parser.error("levels must be between 1 and 200 visitors")
    if not 0 <= args.churn <= 2000:
        parser.error("--churn must be between 0 and 2000 sessions")
    settings = {"server.fileWatcherType": args.file_watcher}
    for item in args.set:
        option, eq, value = item.partition("=")
        if not eq:
            parser.error(f"--set {item}: expected OPTION=VALUE")
        settings[option] = value
    data_dir = args.data.resolve()
    if args.synthetic:
        from bench.synthetic import write_atlas

        data_dir = Path(tempfile.mkdtemp(prefix="atlas-load-data-")) / f"synthetic_{args.synthetic}"
        write_atlas(data_dir, args.synthetic)
    try:
        result = run(levels, args.replicas, data_dir, args.browser_pages, settings, script=args.script,
                     bare=not args.no_bare, churn=args.churn, static=args.static)
    finally:
        if args.synthetic:
            shutil.rmtree(data_dir.parent, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    tag = args.tag or (f"{args.replicas}replicas" if args.replicas else "1process")
    (OUT / f"load-{tag}.json").write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    table = markdown(result)
    (OUT / f"load-{tag}.md").write_text(table + "\n", encoding="utf-8")
    print(table)
    return 0 if all(r["served_pct"] == 100 for r in result["levels"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())

