"""geo.evidence: the editors' review of quotes against the articles (stand-in texts in tests/data/articles)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from geo.evidence import main, uncovered
from tests.common import ARTICLES_DIR, BROKEN_DIR, MINI_DIR, ROOT


def run(capsys, *args) -> list[str]:
    assert main([*map(str, args)]) == 0
    return capsys.readouterr().out.splitlines()


def test_lists_each_fact_with_its_quote_and_place(capsys):
    lines = run(capsys, MINI_DIR, "--articles", ARTICLES_DIR, "--source", "s000")
    assert lines[0] == "== s000 西湖区：创新为核，构建西湖特色现代化产业集群 (2026-01-01..2026-02-28)"
    assert lines[1] == "   ¶1  @9     dist_xihu.ai_revenue = 1300亿元 「2025年人工智能产业营收超1300亿元」"
    # the rest of the article's first line is not quoted by any fact: its 30 % is listed
    assert lines[2] == "   -- 1 facts cite s000; not quoted by any fact (3):"
    assert lines[3].startswith("   ¶1  @48    figure: 30%")


def test_restatements_and_every_source(capsys):
    lines = run(capsys, MINI_DIR, "--articles", ARTICLES_DIR)
    assert sum(line.startswith("== s00") for line in lines) == 5
    restated = [line for line in lines if "park_china_cloud_valley.construction_start" in line]
    assert len(restated) == 1 and restated[0].endswith("restates ev_cloud_valley_launch")


def test_quote_not_in_the_article_is_flagged(capsys):
    lines = run(capsys, BROKEN_DIR / "quote_not_verbatim", "--articles", ARTICLES_DIR, "--source", "s002")
    assert "   NOT FOUND  fund_runmiao.fund_size_first_phase = 20亿元 「首期规模20亿元的润苗基金」" in lines
    assert any(line.startswith("   ¶1  @13    figure: 20億元") for line in lines)  # so its figure is uncovered


def test_missing_articles_are_said(tmp_path, capsys):
    assert main([str(MINI_DIR), "--articles", str(tmp_path), "--source", "s001"]) == 0
    out = capsys.readouterr()
    assert f"article texts not found in {tmp_path} for s000, s001, s002, s003, s004" in out.err
    assert "   article text not found (001_9833b179fd3d1339.txt); quotes not located" in out.out


def test_unknown_source(capsys):
    assert main([str(MINI_DIR), "--articles", str(ARTICLES_DIR), "--source", "s999"]) == 2
    assert "unknown source 's999'" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "spans", "found"), [
    ("2024年10月，中国云谷启动建设。", [], [(0, "date", "2024年10月")]),
    ("2024年10月，中国云谷启动建设。", [(0, 12)], []),
    ("刚刚闭幕的两会。一个工位，72支队伍。", [], [(0, "relative date", "刚刚"), (13, "figure", "72支队")]),
    ("1月16日，72支队伍。", [], [(0, "date", "1月16日"), (6, "figure", "72支队")]),
])
def test_uncovered(text, spans, found):
    assert uncovered(text, spans) == found


def test_module_runs_as_command():
    run_ = subprocess.run([sys.executable, "-m", "geo.evidence", str(MINI_DIR), "--articles", str(ARTICLES_DIR),
                           "--source", "s003"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run_.returncode == 0, run_.stderr
    assert "ev_cloud_valley_launch.date = 2024-10 「2024年10月，“中国云谷”…启动建设」" in run_.stdout
