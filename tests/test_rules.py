"""The assessment engine (sqjg.rules), pure: rules files in, hand-made facts in, ranks out."""

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sqjg.rules import (
    Award,
    Baseline,
    CommunityFacts,
    Escalation,
    Grade,
    Prize,
    Ranking,
    RulesError,
    Scored,
    YearEnd,
    load_rules,
    needed_for_target,
    prize_rows,
    rank_rows,
    rate_points,
    round1,
    rules_from_text,
    score_items,
    total_of,
)

# --- the shipped rules ----------------------------------------------------------------------


def test_default_rules_carry_the_speech():
    r = load_rules()
    assert sum(i.max for i in r.items) == 100
    assert len({i.key for i in r.items}) == len(r.items)
    assert [(a.rank, a.title, a.reward_fen) for a in r.ranking.awards] == [
        (1, "流动红旗", 2_000_000),
        (2, "流动红旗", 1_500_000),
        (3, "流动红旗", 1_000_000),
    ]
    assert r.ranking.yellow_card_bottom == 3
    assert r.ranking.publish_last is True
    assert [(e.months, e.action) for e in r.ranking.escalation] == [
        (2, "书记在新闻媒体上说明工作"),
        (3, "书记当年工作考核为不称职"),
    ]
    assert r.ranking.baseline == Baseline(80.0, 0)
    assert r.ranking.first_month == (2026, 7)
    assert [(p.title, p.count, p.reward_fen) for p in r.year_end.unit_prizes] == [
        ("一等奖", 1, 10_000_000),
        ("二等奖", 2, 8_000_000),
        ("三等奖", 3, 6_000_000),
    ]
    assert r.targets == {2026: 0.70, 2027: 0.75, 2028: 0.80}
    assert sum(i.max for i in r.compound.items) == 100
    assert r.compound.awards[0].rank == 1
    # the sections other concerns own are still read
    assert r.exposure_notices == 3
    assert r.deadlines["assessment"] == "07-25"
    assert "奖金" in r.banned_words


def test_env_rules_path(tmp_path, monkeypatch):
    p = tmp_path / "r.toml"
    p.write_text(MANUAL_ONLY, encoding="utf-8")
    monkeypatch.setenv("SQJG_RULES", str(p))
    assert [i.key for i in load_rules().items] == ["work", "people"]


# --- item scoring ---------------------------------------------------------------------------

ALL_SOURCES = """
[[items]]
key = "manual"
name = "手工"
source = "manual"
max = 5
[[items]]
key = "inspection"
name = "检查"
source = "inspection"
max = 20
[[items]]
key = "meeting"
name = "会议"
source = "meeting"
max = 10
[[items]]
key = "cleanup"
name = "大清扫"
source = "cleanup"
max = 10
[[items]]
key = "survey"
name = "排查上报"
source = "submission:survey"
max = 5
[[items]]
key = "selfcheck"
name = "自查上报"
source = "submission:selfcheck"
max = 5
[[items]]
key = "rectification"
name = "整改"
source = "rectification"
max = 20
[[items]]
key = "overdue"
name = "超期"
source = "overdue"
per = -1
min = -10
[[items]]
key = "exposure"
name = "曝光"
source = "exposure"
per = -2
min = -10
[[items]]
key = "mechanisms"
name = "机制"
source = "mechanisms"
max = 10
[[items]]
key = "funds"
name = "经费"
source = "funds"
max = 10
target = 50000
"""


@pytest.fixture
def every_source():
    return rules_from_text(ALL_SOURCES)


def points(rules, **facts):
    year, month = facts.pop("year", 2026), facts.pop("month", 7)
    return score_items(rules, CommunityFacts(year, month, **facts))


def test_nothing_done_in_july(every_source):
    # No inspection → 0; nothing due → rectification full; self-check not due until August → full.
    assert points(every_source) == {
        "manual": 0.0,
        "inspection": 0.0,
        "meeting": 0.0,
        "cleanup": 0.0,
        "survey": 0.0,
        "selfcheck": 5.0,
        "rectification": 20.0,
        "overdue": 0.0,
        "exposure": 0.0,
        "mechanisms": 0.0,
        "funds": 0.0,
    }


def test_each_source_on_hand_computed_facts(every_source):
    p = points(
        every_source,
        manual={"manual": 3.5},
        inspections=2,
        inspection_mean=85.0,
        meetings=1,
        cleanups=2,
        first_cleanup=date(2026, 7, 25),
        submitted={"survey": date(2026, 7, 10)},
        due=4,
        due_closed_on_time=3,
        overdue=3,
        exposure=2,
        mechanisms=4,
        raised_fen=2_500_000,
    )
    assert p == {
        "manual": 3.5,
        "inspection": 17.0,
        "meeting": 10.0,
        "cleanup": 10.0,
        "survey": 5.0,
        "selfcheck": 5.0,
        "rectification": 15.0,
        "overdue": -3.0,
        "exposure": -4.0,
        "mechanisms": pytest.approx(40 / 6),
        "funds": 5.0,
    }


def test_items_are_clamped(every_source):
    p = points(every_source, manual={"manual": 9}, overdue=25, exposure=6, raised_fen=17_000_000)
    assert p["manual"] == 5.0  # clamped to max
    assert p["overdue"] == -10.0  # floored at min
    assert p["exposure"] == -10.0
    assert p["funds"] == 10.0  # 17万 against a 5万 target: capped at max
    assert points(every_source, manual={"manual": -2})["manual"] == 0.0


def test_cleanup_by_the_deadline_in_its_month(every_source):
    assert points(every_source, cleanups=1, first_cleanup=date(2026, 7, 25))["cleanup"] == 10.0
    assert points(every_source, cleanups=1, first_cleanup=date(2026, 7, 26))["cleanup"] == 0.0
    # August has no clean-up deadline: any clean-up in the month counts.
    assert (
        points(every_source, month=8, cleanups=1, first_cleanup=date(2026, 8, 30))["cleanup"]
        == 10.0
    )
    assert points(every_source, month=8)["cleanup"] == 0.0


def test_submission_on_time(every_source):
    assert (
        points(every_source, submitted={"survey": date(2026, 7, 10)})["survey"] == 5.0
    )  # on the day
    assert points(every_source, submitted={"survey": date(2026, 7, 11)})["survey"] == 0.0  # late
    # Later months keep crediting a report handed up on time that year; a late one never counts.
    assert points(every_source, month=9, submitted={"survey": date(2026, 7, 9)})["survey"] == 5.0
    assert points(every_source, month=9, submitted={"survey": date(2026, 7, 12)})["survey"] == 0.0
    # Before the deadline's month nothing is due yet: full points, nobody loses anything.
    assert points(every_source, month=6)["survey"] == 5.0
    assert points(every_source, month=8)["selfcheck"] == 0.0
    assert (
        points(every_source, month=8, submitted={"selfcheck": date(2026, 8, 31)})["selfcheck"]
        == 5.0
    )


def test_total_never_below_zero(every_source):
    p = points(every_source, overdue=30, exposure=30, due=5, due_closed_on_time=0, submitted={})
    assert sum(p.values()) < 0
    assert total_of(p) == 0.0


def test_round_half_up_to_one_decimal():
    assert round1(93.25) == 93.3
    assert round1(0.05) == 0.1
    assert round1(40 / 6) == 6.7
    assert round1(-0.04) == 0.0
    assert str(round1(-0.04)) == "0.0"


# --- ranking --------------------------------------------------------------------------------

SPEECH = Ranking(baseline=Baseline(80.0, 0))


def scored(*totals, names=None, previous=None, **items):
    names = names or [chr(ord("A") + i) for i in range(len(totals))]
    previous = previous or {}
    out = []
    for i, (n, t) in enumerate(zip(names, totals)):
        its = {k: v[i] for k, v in items.items()}
        out.append(Scored(n, n, its, t, previous.get(n, 0)))
    return out


def by_name(ranked):
    return {r.scored.name: r for r in ranked}


def test_order_ties_share_a_rank_and_skip():
    ranked = rank_rows(SPEECH, scored(70, 90, 80, 80, 60))
    assert [(r.scored.name, r.rank) for r in ranked] == [
        ("B", 1),
        ("C", 2),
        ("D", 2),
        ("A", 4),
        ("E", 5),
    ]


def test_tie_break_items_then_shared_rank():
    ranking = Ranking(tie_break=("rect", "insp"))
    ranked = rank_rows(
        ranking, scored(80, 80, 80, 80, rect=[10, 15, 15, 15], insp=[20, 12, 18, 18])
    )
    assert [(r.scored.name, r.rank) for r in ranked] == [("C", 1), ("D", 1), ("B", 3), ("A", 4)]


def test_tie_at_an_award_line():
    r = by_name(rank_rows(SPEECH, scored(95, 90, 90, 70, 60)))
    assert (r["A"].award.reward_fen, r["B"].award.reward_fen, r["C"].award.reward_fen) == (
        2_000_000,
        1_500_000,
        1_500_000,
    )
    assert r["B"].rank == r["C"].rank == 2
    assert r["D"].rank == 4 and r["D"].award is None  # no 3rd award after a tie for 2nd
    assert sum(x.award is not None for x in r.values()) == 3


def test_tie_for_first_then_third_award():
    r = by_name(rank_rows(SPEECH, scored(90, 90, 80, 70)))
    assert [r[n].award.rank if r[n].award else None for n in "ABCD"] == [1, 1, 3, None]
    assert r["C"].award.reward_fen == 1_000_000


def test_yellow_cards_and_last_with_a_tie_at_the_bottom():
    r = by_name(rank_rows(SPEECH, scored(95, 90, 85, 70, 60, 60)))
    assert [n for n in "ABCDEF" if r[n].yellow_card] == ["D", "E", "F"]
    assert [n for n in "ABCDEF" if r[n].last] == ["E", "F"]
    assert r["E"].media and r["F"].media and not r["D"].media
    assert r["E"].rank == r["F"].rank == 5
    # three tied at the bottom: all carded; the one above them has 3 below it
    r = by_name(rank_rows(SPEECH, scored(95, 90, 85, 80, 60, 60, 60)))
    assert [n for n in "ABCDEFG" if r[n].yellow_card] == ["E", "F", "G"]


def test_award_winner_never_carded_in_a_small_city():
    r = by_name(rank_rows(SPEECH, scored(90, 80, 70, 60)))
    assert [n for n in "ABCD" if r[n].yellow_card] == [
        "D"
    ]  # B and C stand in the bottom 3 but won awards


@pytest.mark.parametrize(
    "totals,awarded,carded",
    [
        # three: the last is named in the media, so it gets no red flag but the card
        ((90, 80, 70), "AB", "C"),
        # four: 2nd and 3rd stand in the bottom three but the award outweighs the card
        ((90, 80, 70, 60), "ABC", "D"),
        # five: 4th carded, 5th carded and last
        ((90, 80, 70, 60, 50), "ABC", "DE"),
    ],
)
def test_never_an_award_and_a_sanction_in_one_month(totals, awarded, carded):
    r = by_name(rank_rows(SPEECH, scored(*totals)))
    names = "ABCDE"[: len(totals)]
    assert "".join(n for n in names if r[n].award) == awarded
    assert "".join(n for n in names if r[n].yellow_card) == carded
    (last,) = [x for x in r.values() if x.last]
    assert last.media and last.award is None and last.yellow_card
    for x in r.values():
        assert not (x.award and (x.yellow_card or x.media or x.escalation))


def test_last_may_win_when_the_rules_sanction_no_last_place():
    # the compound contest: no card, no media, no escalation: the last of two can take rank 2's flag
    ranking = Ranking(
        awards=(Award(1, "小区流动红旗", 0), Award(2, "小区流动红旗", 0)),
        yellow_card_bottom=0,
        publish_last=False,
        escalation=(),
    )
    r = by_name(rank_rows(ranking, scored(90, 80)))
    assert r["B"].last and r["B"].award is not None


def test_min_award_score():
    ranking = Ranking(min_award_score=60)
    r = by_name(rank_rows(ranking, scored(80, 59.99, 50, 40)))
    assert r["A"].award.rank == 1
    assert r["B"].award is None and r["C"].award is None  # rank 2 and 3 but below 60
    assert r["B"].yellow_card and r["C"].yellow_card and r["D"].yellow_card


def test_all_communities_equal():
    """Everyone shares rank 1 and, by the literal award rule, the first award; but a month in
    which nobody stands strictly below anybody has no bottom: no card, no last place, no media."""
    r = rank_rows(SPEECH, scored(70, 70, 70, 70, previous={"A": 2}))
    assert {x.rank for x in r} == {1}
    assert all(x.award is not None and x.award.rank == 1 for x in r)
    assert not any(x.yellow_card or x.last or x.media for x in r)
    assert all(
        x.consecutive_last == 0 and x.escalation is None for x in r
    )  # a run of last places ends
    assert not any(x.baseline for x in r)
    # and when nobody reaches the award line either, still nobody is carded
    r = rank_rows(Ranking(min_award_score=80), scored(0, 0, 0))
    assert not any(x.award or x.yellow_card or x.last for x in r)


def test_single_community_is_not_last():
    (only,) = rank_rows(SPEECH, scored(40))
    assert only.rank == 1 and not only.last and not only.yellow_card


@pytest.mark.parametrize(
    "previous,expected_run,expected_action",
    [
        (0, 1, None),
        (1, 2, "书记在新闻媒体上说明工作"),
        (2, 3, "书记当年工作考核为不称职"),
        (6, 7, "书记当年工作考核为不称职"),
    ],
)
def test_consecutive_last_and_escalations(previous, expected_run, expected_action):
    r = by_name(rank_rows(SPEECH, scored(90, 80, 50, previous={"C": previous, "B": 4})))
    assert r["C"].last and r["C"].consecutive_last == expected_run
    assert (r["C"].escalation.action if r["C"].escalation else None) == expected_action
    assert r["B"].consecutive_last == 0 and r["B"].escalation is None  # not last this month


def test_baseline_award_is_every_community_reaching_the_score():
    r = by_name(rank_rows(SPEECH, scored(95, 80, 79.99, 20)))
    assert [n for n in "ABCD" if r[n].baseline] == ["A", "B"]


def test_unrounded_values_decide():
    # Both print as 80.0, yet 80.04 is ahead.
    r = by_name(rank_rows(SPEECH, scored(80.04, 80.01)))
    assert (r["A"].rank, r["B"].rank) == (1, 2)
    assert round1(80.04) == round1(80.01) == 80.0


def test_floating_point_noise_is_not_a_difference():
    r = rank_rows(SPEECH, scored(0.1 + 0.2, 0.3))
    assert [x.rank for x in r] == [1, 1]


def test_no_escalation_or_media_when_the_rules_say_so():
    ranking = Ranking(publish_last=False, escalation=(), yellow_card_bottom=0)
    r = by_name(rank_rows(ranking, scored(90, 50, previous={"B": 5})))
    assert r["B"].last and not r["B"].media and r["B"].escalation is None and not r["B"].yellow_card
    assert r["B"].consecutive_last == 6


# --- year-end prizes ------------------------------------------------------------------------

YEAR_END = YearEnd()


def test_year_end_prizes_in_order():
    r = prize_rows(YEAR_END, scored(99, 98, 97, 96, 95, 94, 93, 92))
    assert [x.prize.title if x.prize else None for x in r] == [
        "一等奖",
        "二等奖",
        "二等奖",
        "三等奖",
        "三等奖",
        "三等奖",
        None,
        None,
    ]
    assert r[0].prize.reward_fen == 10_000_000


def test_year_end_tie_across_a_boundary_shares_the_money_and_keeps_the_counts():
    # Two tied first occupy places 1-2 (一等奖 10 万 + 二等奖 8 万): 9 万 each, one 二等奖 left.
    r = prize_rows(YEAR_END, scored(99, 99, 97, 96, 95, 94, 94, 90))
    assert [(x.rank, x.prize.title if x.prize else None) for x in r] == [
        (1, "一等奖、二等奖（并列）"),
        (1, "一等奖、二等奖（并列）"),
        (3, "二等奖"),
        (4, "三等奖"),
        (5, "三等奖"),
        (6, "三等奖（并列）"),
        (6, "三等奖（并列）"),
        (8, None),
    ]
    assert [x.prize.reward_fen if x.prize else 0 for x in r] == [
        9_000_000, 9_000_000, 8_000_000, 6_000_000, 6_000_000, 3_000_000, 3_000_000, 0,
    ]  # fmt: skip
    # the money paid is exactly the prizes' money: counts hold
    assert (
        sum(x.prize.reward_fen for x in r if x.prize) == 10_000_000 + 2 * 8_000_000 + 3 * 6_000_000
    )


def test_year_end_tie_at_the_second_prize_boundary_makes_no_third_second_prize():
    # The speech's 二等奖两个: three tied for places 2-4 would have been three second prizes.
    r = prize_rows(YEAR_END, scored(99, 90, 90, 90, 80))
    titles = [x.prize.title for x in r]
    assert titles.count("二等奖") == 0
    assert titles[1:4] == ["二等奖、三等奖（并列）"] * 3
    assert [x.prize.reward_fen for x in r[1:4]] == [(2 * 8_000_000 + 6_000_000) // 3] * 3
    assert r[4].prize.title == "三等奖" and r[4].rank == 5


def test_year_end_ties_inside_one_prize_keep_it():
    r = prize_rows(YEAR_END, scored(99, 95, 95, 80))
    assert [x.prize.title for x in r] == ["一等奖", "二等奖", "二等奖", "三等奖"]
    assert r[1].prize.reward_fen == r[2].prize.reward_fen == 8_000_000


def test_year_end_tie_broken_by_the_stated_chain():
    # equal scores; the communities' mean decides, then the category-3 rate
    r = by_name(
        prize_rows(
            YEAR_END,
            scored(90, 90, 90, 90, communities=[80, 85, 85, 70], rectification=[100, 50, 60, 100]),
        )
    )
    assert (r["C"].rank, r["B"].rank, r["A"].rank, r["D"].rank) == (1, 2, 3, 4)
    assert (r["C"].prize.title, r["B"].prize.title, r["A"].prize.title) == (
        "一等奖",
        "二等奖",
        "二等奖",
    )


def test_year_end_min_score():
    r = prize_rows(YearEnd(unit_prizes=(Prize("一等奖", 1, 100),), min_score=60), scored(50, 40))
    assert r[0].prize is None


def test_needed_for_target_is_exact():
    assert needed_for_target(10, 0, 0.7) == 7  # not 8: 0.7 × 10 is exactly 7
    assert needed_for_target(14, 3, 0.70) == 7  # 9.8 → 10 communities
    assert needed_for_target(14, 11, 0.75) == 0
    assert needed_for_target(20, 15, 0.75) == 0


# --- properties -----------------------------------------------------------------------------

totals = st.lists(
    st.floats(min_value=0, max_value=100, allow_nan=False).map(lambda x: round(x, 1)),
    min_size=1,
    max_size=30,
)


@settings(max_examples=150, deadline=None)
@given(totals)
def test_a_higher_total_never_ranks_worse(values):
    ranked = rank_rows(SPEECH, scored(*values, names=[f"c{i:02d}" for i in range(len(values))]))
    for a in ranked:
        for b in ranked:
            if a.scored.total > b.scored.total:
                assert a.rank < b.rank
                assert not (a.last and not b.last)
            if a.scored.total == b.scored.total:
                assert a.rank == b.rank


@settings(max_examples=150, deadline=None)
@given(totals, st.lists(st.integers(min_value=1, max_value=8), min_size=0, max_size=5, unique=True))
def test_awards_never_exceed_the_rules_except_for_ties(values, award_ranks):
    awards = tuple(Award(r, "流动红旗", 100) for r in sorted(award_ranks))
    ranked = rank_rows(
        Ranking(awards=awards), scored(*values, names=[f"c{i:02d}" for i in range(len(values))])
    )
    winners = [r for r in ranked if r.award]
    per_rank: dict[int, int] = {}
    for r in winners:
        assert r.award.rank == r.rank
        per_rank[r.rank] = per_rank.get(r.rank, 0) + 1
    if all(n == 1 for n in per_rank.values()):
        assert len(winners) <= len(awards)
    assert all(not r.yellow_card for r in winners)


@settings(max_examples=100, deadline=None)
@given(totals)
def test_prizes_never_exceed_the_counts_except_for_ties(values):
    ranked = prize_rows(YEAR_END, scored(*values, names=[f"u{i:02d}" for i in range(len(values))]))
    ranks = [r.rank for r in ranked]
    winners = [r for r in ranked if r.prize]
    if len(set(ranks)) == len(ranks):
        assert len(winners) == min(6, len(values))
    # ties or not, the money paid is the money of the places taken (less sharing's odd fen)
    slots = [p.reward_fen for p in YEAR_END.unit_prizes for _n in range(p.count)]
    paid = sum(r.prize.reward_fen for r in winners)
    assert sum(slots[: len(values)]) - len(values) < paid <= sum(slots[: len(values)])
    titles = [r.prize.title for r in winners]
    for p in YEAR_END.unit_prizes:
        assert titles.count(p.title) <= p.count


# --- rules files ----------------------------------------------------------------------------

MANUAL_ONLY = """# 只有手工项目的规则文件
[[items]]
key = "work"
name = "工作实绩"
source = "manual"
max = 60

[[items]]
key = "people"
name = "群众满意度"
source = "manual"
max = 40
"""


def test_rules_with_only_manual_items():
    r = rules_from_text(MANUAL_ONLY)
    assert [(i.key, i.source, i.max) for i in r.items] == [
        ("work", "manual", 60.0),
        ("people", "manual", 40.0),
    ]
    assert r.ranking == Ranking()  # the speech's awards and sanctions by default
    p = score_items(r, CommunityFacts(2026, 7, manual={"work": 55, "people": 38.5}, overdue=9))
    assert p == {"work": 55.0, "people": 38.5}
    ranked = rank_rows(r.ranking, [Scored(1, "甲", p, total_of(p)), Scored(2, "乙", {}, 0.0)])
    assert ranked[0].award.reward_fen == 2_000_000 and ranked[1].last and ranked[1].media


def test_rules_without_items_load_for_other_commands_but_cannot_rank():
    r = rules_from_text("[issues]\nexposure_notices = 2\n", "x.toml")
    assert r.exposure_notices == 2
    with pytest.raises(RulesError, match=r"x\.toml 没有考评项目"):
        r.require_items()


def test_sha256_of_the_text():
    import hashlib

    assert rules_from_text(MANUAL_ONLY).sha256 == hashlib.sha256(MANUAL_ONLY.encode()).hexdigest()


ITEM = '[[items]]\nkey = "a"\nname = "甲"\nsource = "manual"\nmax = 10\n'


@pytest.mark.parametrize(
    "text,line,words",
    [
        # unknown source: the line of `source =`
        (
            ITEM + '\n[[items]]\nkey = "b"\nname = "乙"\nsource = "bogus"\nmax = 5\n',
            10,
            ["[[items]] b", "bogus"],
        ),
        # missing max: the line of the item's key
        (
            ITEM + '\n[[items]]\nkey = "b"\nname = "乙"\nsource = "meeting"\n',
            8,
            ["[[items]] b", "max"],
        ),
        # awards out of order
        (
            ITEM + '\n[ranking]\nawards = [ { rank = 2, title = "红旗", reward = 1 },\n'
            '           { rank = 1, title = "红旗", reward = 2 } ]\n',
            8,
            ["awards", "rank 1"],
        ),
        # TOML syntax error
        (ITEM + "\n[ranking]\nyellow_card_bottom = = 3\n", 8, ["语法错误"]),
        (ITEM + "max = 12\n", 6, ["语法错误"]),  # a key written twice
        # penalty items
        (
            ITEM + '[[items]]\nkey = "o"\nname = "超期"\nsource = "overdue"\nper = -1\n',
            7,
            ["[[items]] o", "min"],
        ),
        (
            ITEM + '[[items]]\nkey = "o"\nname = "超期"\nsource = "overdue"\nper = 1\nmin = -5\n',
            10,
            ["[[items]] o", "per", "负数"],
        ),
        (
            ITEM + '[[items]]\nkey = "o"\nname = "超期"\nsource = "overdue"\nmax = 5\n',
            10,
            ["扣分项", "max"],
        ),
        # funds without target
        (
            ITEM + '[[items]]\nkey = "f"\nname = "经费"\nsource = "funds"\nmax = 10\n',
            7,
            ["[[items]] f", "target"],
        ),
        # bad max, bad key, duplicate key, reserved key, unknown key, missing name
        (ITEM.replace("max = 10", "max = -1"), 5, ["[[items]] a", "max", "正数"]),
        (ITEM.replace('key = "a"', 'key = "社区"'), 2, ["key", "社区"]),
        (ITEM + ITEM, 7, ["key“a”重复"]),
        (ITEM.replace('key = "a"', 'key = "score"'), 2, ["保留字"]),
        (ITEM + "maxx = 3\n", 6, ["[[items]] a", "maxx"]),
        (ITEM.replace('name = "甲"\n', ""), 2, ["[[items]] a", "name"]),
        (ITEM.replace('source = "manual"\n', ""), 2, ["[[items]] a", "source"]),
        # months, bonus and sane bounds
        (ITEM + "months = [13]\n", 6, ["[[items]] a", "months"]),
        (ITEM + "months = []\n", 6, ["[[items]] a", "months"]),
        (ITEM + "months = [7, 7]\n", 6, ["[[items]] a", "months"]),
        (ITEM + 'bonus = "yes"\n', 6, ["[[items]] a", "bonus"]),
        (
            ITEM + '[[items]]\nkey = "o"\nname = "超期"\nsource = "overdue"\nper = -1\n'
            "min = -5\nbonus = true\n",
            12,
            ["[[items]] o", "bonus"],
        ),
        (ITEM.replace("max = 10", "max = 5000"), 5, ["[[items]] a", "max", "1000"]),
        (
            ITEM + '[[items]]\nkey = "o"\nname = "超期"\nsource = "overdue"\nper = -1\n'
            "min = -100000\n",
            11,
            ["[[items]] o", "min", "1000"],
        ),
        (
            ITEM + '\n[ranking]\nawards = [ { rank = 1, title = "红旗", reward = 100000001 } ]\n',
            8,
            ["awards", "reward"],
        ),
        (ITEM + "\n[ranking]\nbonus_cap = -1\n", 8, ["bonus_cap"]),
        (ITEM + "\n[ranking]\nscale_to = 0\n", 8, ["scale_to"]),
        (ITEM + "\n[ranking]\nscale_to = 1e9\n", 8, ["scale_to"]),
        # ranking
        (ITEM + '\n[ranking]\ntie_break = ["a", "zzz"]\n', 8, ["tie_break", "zzz"]),
        (ITEM + "\n[ranking]\nyellow_card_bottom = -1\n", 8, ["yellow_card_bottom"]),
        (ITEM + '\n[ranking]\npublish_last = "yes"\n', 8, ["publish_last"]),
        (
            ITEM
            + '\n[ranking]\nescalation = [ { months = 3, action = "甲" }, { months = 2, action = "乙" } ]\n',
            8,
            ["escalation", "months"],
        ),
        (ITEM + "\n[ranking]\nbaseline = { reward = 10 }\n", 8, ["baseline"]),
        (ITEM + '\n[ranking]\nfirst_month = "七月"\n', 8, ["first_month"]),
        (
            ITEM + '\n[ranking]\nawards = [ { rank = 1, title = "红旗", reward = -5 } ]\n',
            8,
            ["awards", "reward"],
        ),
        (ITEM + "\n[ranking]\nyelow_card_bottom = 3\n", 8, ["yelow_card_bottom"]),
        # year end and targets
        (
            ITEM + '\n[year_end]\nunit_prizes = [ { title = "一等奖", count = 0, reward = 1 } ]\n',
            8,
            ["unit_prizes", "count"],
        ),
        (ITEM + "\n[year_end]\nweights = { communities = 0, rectification = 0 }\n", 8, ["weights"]),
        (ITEM + "\n[targets]\ncivilized_rate = { 2026 = 1.5 }\n", 8, ["civilized_rate", "2026"]),
        # the compound contest takes manual points and the compound's issues only
        (
            ITEM
            + '\n[[compound.items]]\nkey = "i"\nname = "检查"\nsource = "inspection"\nmax = 5\n',
            10,
            ["[[compound.items]] i", "inspection"],
        ),
        (ITEM + '\n[compound]\ntie_break = ["a"]\n', 8, ["[compound] tie_break", "a"]),
        # an unknown section, and the sections of other concerns
        (ITEM + "\n[rankng]\nawards = []\n", 7, ["rankng"]),
        (ITEM + '\n[deadlines]\nsurvey = "7月10日"\n', 8, ["[deadlines] survey", "MM-DD"]),
        (ITEM + "\n[issues]\nexposure_notices = 0\n", 8, ["exposure_notices"]),
        (
            ITEM.replace('source = "manual"', 'source = "submission:survey"')
            + '\n[deadlines]\nfunds = "07-10"\n',
            4,
            ["submission:survey", "[deadlines]"],
        ),
    ],
)
def test_bad_rules_file_is_one_sentence_with_key_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as e:
        load_rules(path)
    message = str(e.value)
    assert "\n" not in message
    assert message.startswith(f"规则文件 {path}")
    assert f"第 {line} 行" in message, message
    for w in words:
        assert w in message, message


def test_missing_and_unreadable_rules_files(tmp_path):
    with pytest.raises(RulesError, match="找不到规则文件"):
        load_rules(tmp_path / "nope.toml")
    with pytest.raises(RulesError, match="目录"):
        load_rules(tmp_path)
    bad = tmp_path / "gbk.toml"
    bad.write_bytes("名称 = 1".encode("gbk"))
    with pytest.raises(RulesError, match="无法读取"):
        load_rules(bad)


def test_escalation_and_award_types_are_kept():
    r = rules_from_text(
        ITEM + '\n[ranking]\nawards = [ { rank = 1, title = "红旗", reward = 1.5 } ]\n'
        'escalation = [ { months = 2, action = "说明" } ]\n'
    )
    assert r.ranking.awards == (Award(1, "红旗", 150),)
    assert r.ranking.escalation == (Escalation(2, "说明"),)


def test_a_nesting_that_blows_the_stack_is_one_sentence(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text(ITEM + "x = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(RulesError, match="嵌套过深"):
        load_rules(path)


# --- items of some months, bonus items, scaled totals ---------------------------------------

MONTHS_AND_BONUS = """
[[items]]
key = "work"
name = "日常工作"
source = "manual"
max = 80

[[items]]
key = "survey"
name = "排查情况上报"
source = "manual"
max = 20
months = [7]

[[items]]
key = "extra"
name = "创新工作加分"
source = "manual"
max = 5
bonus = true

[[items]]
key = "praise"
name = "上级表扬加分"
source = "manual"
max = 5
bonus = true
"""


def test_an_item_of_july_only_is_left_out_elsewhere():
    r = rules_from_text(MONTHS_AND_BONUS)
    assert [i.key for i in r.items_in(7)] == ["work", "survey", "extra", "praise"]
    assert [i.key for i in r.items_in(8)] == ["work", "extra", "praise"]
    assert (r.max_in(7), r.max_in(8)) == (100.0, 80.0)  # bonus items are beyond the maximum
    manual = {"work": 70, "survey": 20}
    assert score_items(r, CommunityFacts(2026, 7, manual=manual))["survey"] == 20
    august = score_items(r, CommunityFacts(2026, 8, manual=manual))
    assert "survey" not in august  # not a zero: the item does not exist in August
    assert total_of(august, r.items_in(8), r.ranking) == 70


def test_bonus_lifts_the_total_beyond_the_maximum_up_to_the_cap():
    uncapped = rules_from_text(MONTHS_AND_BONUS)
    capped = rules_from_text(MONTHS_AND_BONUS + "\n[ranking]\nbonus_cap = 6\n")
    points = {"work": 78, "survey": 20, "extra": 5, "praise": 4}
    assert total_of(points, uncapped.items_in(7), uncapped.ranking) == 78 + 20 + 5 + 4
    assert total_of(points, capped.items_in(7), capped.ranking) == 78 + 20 + 6
    # the cap limits the bonus, never the base: a low base keeps all of its own points
    assert total_of({"work": 10, "survey": 0, "extra": 1}, capped.items_in(7), capped.ranking) == 11


def test_scale_to_expresses_each_month_on_the_same_scale():
    r = rules_from_text(MONTHS_AND_BONUS + "\n[ranking]\nscale_to = 100\nbonus_cap = 3\n")
    # August has 80 base points: 60 of 80 is 75 of 100; the bonus (capped at 3) is added after
    august = score_items(r, CommunityFacts(2026, 8, manual={"work": 60, "extra": 5}))
    assert total_of(august, r.items_in(8), r.ranking) == pytest.approx(75 + 3)
    july = score_items(r, CommunityFacts(2026, 7, manual={"work": 60, "survey": 20}))
    assert total_of(july, r.items_in(7), r.ranking) == pytest.approx(80)


def test_shipped_rules_assess_the_july_reports_in_july_only():
    from pathlib import Path

    r = load_rules(Path(__file__).resolve().parent.parent / "data" / "rules.toml")
    july_only = [i.key for i in r.items if i.months]
    assert july_only == ["survey", "cleanup_report", "funds_report"]
    assert all(r.item(k).months == (7,) for k in july_only)
    assert (r.max_in(7), r.max_in(8)) == (100.0, 85.0)


# --- grades ---------------------------------------------------------------------------------

GRADES = (Grade(95, "优秀", 500_000), Grade(85, "良好"), Grade(60, "合格"), Grade(0, "不合格"))


def test_grades_take_the_highest_band_reached():
    r = by_name(rank_rows(Ranking(grades=GRADES), scored(95, 94.99, 85, 60, 59.9, 0)))
    assert [r[n].grade.title for n in "ABCDEF"] == [
        "优秀",
        "良好",
        "良好",
        "合格",
        "不合格",
        "不合格",
    ]
    assert r["A"].grade.reward_fen == 500_000 and r["B"].grade.reward_fen == 0


def test_no_grades_no_grade_and_a_gap_below_the_lowest_band():
    assert rank_rows(SPEECH, scored(99))[0].grade is None
    (low,) = rank_rows(Ranking(grades=(Grade(60, "合格"),)), scored(59))
    assert low.grade is None


def test_grades_in_the_rules_file():
    r = rules_from_text(
        ITEM + '\n[ranking]\ngrades = [ { score = 95, title = "优秀", reward = 5000 },'
        ' { score = 0, title = "不合格" } ]\n'
    )
    assert r.ranking.grades == (Grade(95.0, "优秀", 500_000), Grade(0.0, "不合格", 0))


@pytest.mark.parametrize(
    "grades,words",
    [
        ("1", "列表"),
        ("[ { score = 95 } ]", "title"),
        ('[ { score = 95, title = "优", extra = 1 } ]', "grades 第 1 项"),
        ('[ { score = -1, title = "优" } ]', "score"),
        ('[ { score = 60, title = "合格" }, { score = 60, title = "良好" } ]', "从高到低"),
        ('[ { score = 60, title = "合格", reward = -1 } ]', "reward"),
    ],
)
def test_bad_grades_name_the_key_and_line(grades, words):
    with pytest.raises(RulesError) as e:
        rules_from_text(ITEM + "\n[ranking]\ngrades = " + grades + "\n", "g.toml")
    assert "第 8 行" in str(e.value) and words in str(e.value) and "grades" in str(e.value)


# --- rates turned into points ---------------------------------------------------------------

JINHUA = """
[[items]]
key = "ontime"
name = "按期结案率"
source = "rate:on_time"
max = 50
full_at = 0.70
per_point = 1

[[items]]
key = "closure"
name = "结案率"
source = "rate:closure"
max = 20
bands = [ { at = 0.90, points = 20 }, { at = 0.80, points = 15 }, { at = 0.0, points = 0 } ]

[[items]]
key = "rework"
name = "返工率"
source = "rate:rework"
max = 10
invert = true
empty = "zero"

[[items]]
key = "extension"
name = "延期率"
source = "rate:extension"
max = 10
invert = true
empty = "average"
"""


def test_rate_threshold_with_a_deduction_per_percentage_point():
    item = rules_from_text(JINHUA).item("ontime")
    assert rate_points(item, 0.70, None) == 50  # at the threshold: full
    assert rate_points(item, 0.95, None) == 50
    assert rate_points(item, 0.65, None) == pytest.approx(45)  # 5 points below: 50 − 5
    assert rate_points(item, 0.6912, None) == pytest.approx(49.12)
    assert rate_points(item, 0.0, None) == 0  # 70 below: floored at 0
    assert rate_points(item, None, None) == 50  # empty = "full" by default


def test_rate_bands_take_the_first_band_reached():
    item = rules_from_text(JINHUA).item("closure")
    assert [rate_points(item, r, None) for r in (1.0, 0.90, 0.8999, 0.80, 0.5, 0.0)] == [
        20, 20, 15, 15, 0, 0,
    ]  # fmt: skip


def test_invert_and_empty():
    r = rules_from_text(JINHUA)
    rework, extension = r.item("rework"), r.item("extension")
    assert rate_points(rework, 0.25, None) == pytest.approx(7.5)  # lower is better: 10 × 0.75
    assert rate_points(rework, None, 0.5) == 0  # empty = "zero"
    assert rate_points(extension, None, 0.2) == pytest.approx(8)  # the mean rate 0.2 → 10 × 0.8
    assert rate_points(extension, None, None) == 10  # nobody has the rate: full


def test_rate_items_through_score_items():
    r = rules_from_text(JINHUA)
    facts = CommunityFacts(
        2026, 7, rates={"on_time": 0.6, "closure": 0.85, "rework": 0.1, "extension": None},
        rate_means={"extension": 0.5},
    )  # fmt: skip
    assert score_items(r, facts) == pytest.approx(
        {"ontime": 40, "closure": 15, "rework": 9, "extension": 5}
    )


RATE = '[[items]]\nkey = "r"\nname = "率"\nsource = "rate:on_time"\nmax = 50\n'


@pytest.mark.parametrize(
    "extra,words",
    [
        ("full_at = 0.7\n", ["full_at", "per_point"]),
        ("full_at = 70\nper_point = 1\n", ["full_at", "0.70"]),
        ("per_point = 0\nfull_at = 0.7\n", ["per_point"]),
        ("bands = []\n", ["bands"]),
        ("bands = [ { at = 0.9, points = 60 } ]\n", ["bands", "第 1 项"]),
        (
            "bands = [ { at = 0.8, points = 40 }, { at = 0.9, points = 50 } ]\n",
            ["bands", "从高到低"],
        ),
        ("bands = [ { at = 0.8, points = 40 } ]\nfull_at = 0.7\nper_point = 1\n", ["bands"]),
        ('empty = "skip"\n', ["empty", "average"]),
        ('invert = "yes"\n', ["invert"]),
    ],
)
def test_bad_rate_items_name_the_key_and_line(extra, words):
    with pytest.raises(RulesError) as e:
        rules_from_text(RATE + extra, "r.toml")
    assert "r.toml 第 6 行" in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


def test_rate_keys_only_on_rate_items():
    with pytest.raises(RulesError, match="不是 rate"):
        rules_from_text(ITEM + "full_at = 0.7\n")


# --- deductions from a base (扣完为止) and count penalties ----------------------------------

COUNTS = """
[[items]]
key = "clutter"
name = "乱堆乱放"
source = "count:manual"
max = 10
per = -2

[[items]]
key = "late"
name = "超期问题"
source = "count:overdue"
per = -1
min = -5
"""


def test_counts_deduct_from_the_maximum_until_nothing_is_left():
    r = rules_from_text(COUNTS)
    points = [
        score_items(r, CommunityFacts(2026, 7, manual={"clutter": n}))["clutter"]
        for n in (0, 3, 5, 9)
    ]
    assert points == [10, 4, 0, 0]


def test_a_count_without_max_is_a_penalty_floored_at_min():
    r = rules_from_text(COUNTS)
    assert r.item("late").is_penalty and r.item("late").bounds == (-5, 0)
    got = [score_items(r, CommunityFacts(2026, 7, counts={"late": n}))["late"] for n in (0, 2, 9)]
    assert got == [0, -2, -5]


@pytest.mark.parametrize(
    "extra,words",
    [
        ("", ["per"]),
        ("per = 2\nmax = 10\n", ["per", "负数"]),
        ("per = -1\n", ["min"]),
        ("per = -1\nmax = 10\nmin = -3\n", ["min"]),
        ('per = -1\nmax = 10\nkind = ""\n', ["kind"]),
        ("per = -1\nmax = 10\ncategory = 5\n", ["category"]),
        ('per = -1\nmax = 10\nserious = "yes"\n', ["serious"]),
    ],
)
def test_bad_count_items(extra, words):
    text = '[[items]]\nkey = "c"\nname = "计"\nsource = "count:found"\n' + extra
    with pytest.raises(RulesError) as e:
        rules_from_text(text, "c.toml")
    assert "c.toml 第" in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


def test_issue_filters_only_on_issue_counts():
    with pytest.raises(RulesError, match="count:…"):
        rules_from_text(ITEM + 'kind = "乱堆乱放"\n')
    with pytest.raises(RulesError, match="count:…"):
        rules_from_text(COUNTS.replace("per = -2\n", 'per = -2\nkind = "乱堆乱放"\n', 1))


# --- 一票否决 -------------------------------------------------------------------------------


def test_no_award_veto_keeps_rank_but_gives_nothing():
    s = scored(95, 90, 85, 70)
    s[0].no_award = True
    r = by_name(rank_rows(SPEECH, s))
    assert r["A"].rank == 1 and r["A"].award is None and not r["A"].baseline
    # the award of rank 1 is not handed down: B keeps rank 2's
    assert r["B"].award.rank == 2 and r["C"].award.rank == 3


def test_vetoes_in_the_rules_file():
    r = rules_from_text(
        ITEM + '\n[[veto]]\nkey = "safety"\nname = "安全事故"\neffect = "zero"\n'
        '\n[[veto]]\nkey = "petition"\nname = "越级上访"\neffect = "no_award"\n'
    )
    assert [(v.key, v.effect) for v in r.vetoes] == [("safety", "zero"), ("petition", "no_award")]


@pytest.mark.parametrize(
    "veto,line,words",
    [
        ('key = "safety"\nname = "安全"\neffect = "half"\n', 10, ["effect", "no_award"]),
        ('key = "Safety"\nname = "安全"\neffect = "zero"\n', 8, ["key"]),
        ('key = "safety"\neffect = "zero"\n', 8, ["name"]),
        ('key = "safety"\nname = "安全"\neffect = "zero"\nwhy = 1\n', 11, ["why"]),
    ],
)
def test_bad_vetoes(veto, line, words):
    with pytest.raises(RulesError) as e:
        rules_from_text(ITEM + "\n[[veto]]\n" + veto, "v.toml")
    assert f"第 {line} 行" in str(e.value) and all(w in str(e.value) for w in words), str(e.value)


# --- the registry of sources ----------------------------------------------------------------


def test_every_source_declares_facts_that_are_gathered():
    """A source reading facts nobody gathers would score every community alike (a missed gate
    silently scores 0): each declared fact is a CommunityFacts field some gatherer fills."""
    from dataclasses import fields

    from sqjg.assessment import GATHERERS
    from sqjg.rules import REGISTRY, SOURCE_LIST, SOURCES, source_label

    known = {f.name for f in fields(CommunityFacts)}
    filled = {n for names, _levels, _fn in GATHERERS for n in names}
    assert filled <= known
    assert tuple(REGISTRY) == SOURCES and len(SOURCE_LIST) == len(SOURCES)
    for s in SOURCE_LIST:
        assert s.needs, s.code
        assert set(s.needs) <= filled, s.code
        assert source_label(s.code) != s.code and s.shape
        if s.compound:  # a compound's facts come from gatherers that run for compounds
            assert all(
                any(n in names and "compound" in levels for names, levels, _fn in GATHERERS)
                for n in s.needs
            ), s.code


def test_a_manual_score_turned_into_points_by_bands():
    r = rules_from_text(
        '[[items]]\nkey = "sat"\nname = "满意度"\nsource = "manual"\nmax = 20\n'
        "bands = [{ at = 90, points = 20 }, { at = 80, points = 15 }, { at = 0, points = 5 }]\n"
    )
    (item,) = r.items
    assert item.entry_max == 100 and item.entry_bands == ((90, 20), (80, 15), (0, 5))
    for figure, points in ((95, 20), (90, 20), (89.9, 15), (80, 15), (12, 5), (0, 5)):
        facts = CommunityFacts(2026, 7, manual={"sat": figure})
        assert score_items(r, facts) == {"sat": points}
    with pytest.raises(RulesError, match=r"第 6 行.*bands 第 1 项"):
        rules_from_text(
            '[[items]]\nkey = "sat"\nname = "满意度"\nsource = "manual"\nmax = 20\n'
            "bands = [{ at = 190, points = 20 }]\n"
        )


# --- groups, bottom penalties, streaks, periods -----------------------------------------------


def _in(group, *pairs):
    return [Scored(n, n, {}, t, group=group) for n, t in pairs]


def test_group_by_street_ranks_each_street_on_its_own():
    from sqjg.rules import BottomPenalty

    ranking = Ranking(
        awards=(Award(1, "流动红旗", 100),),
        yellow_card_bottom=1,
        group_by="street",
        bottom_penalties=(BottomPenalty(1, "通报批评", 1_000_000),),
    )
    out = rank_rows(ranking, _in("东", ("a", 90), ("b", 70)) + _in("西", ("c", 60), ("d", 80)))
    got = [
        (r.scored.name, r.scored.group, r.rank, bool(r.award), r.yellow_card, r.last,
         r.bottom_penalty.title if r.bottom_penalty else None)
        for r in out
    ]  # fmt: skip
    # 西's first (80) ranks 1 in 西 although 东's b (70) stands above it in the city
    assert got == [
        ("a", "东", 1, True, False, False, None),
        ("b", "东", 2, False, True, True, "通报批评"),
        ("d", "西", 1, True, False, False, None),
        ("c", "西", 2, False, True, True, "通报批评"),
    ]
    # without group_by the same four are one ranking
    flat = rank_rows(
        replace(ranking, group_by=None),
        _in("东", ("a", 90), ("b", 70)) + _in("西", ("c", 60), ("d", 80)),
    )
    assert [(r.scored.name, r.rank) for r in flat] == [("a", 1), ("d", 2), ("b", 3), ("c", 4)]


def test_bottom_penalties_take_the_smallest_count_that_reaches():
    from sqjg.rules import BottomPenalty

    ranking = Ranking(
        awards=(),
        bottom_penalties=(BottomPenalty(1, "通报批评", 1_000_000), BottomPenalty(3, "约谈", 0)),
    )
    out = rank_rows(ranking, scored(90, 80, 70, 60, 50))
    assert [r.bottom_penalty.title if r.bottom_penalty else None for r in out] == [
        None, None, "约谈", "约谈", "通报批评",
    ]  # fmt: skip
    assert [r.bottom_penalty for r in rank_rows(ranking, scored(70, 70, 70))] == [None] * 3


def test_streak_first_counts_the_months_first_running():
    from sqjg.rules import StreakFirst

    ranking = Ranking(streak_first=(StreakFirst(2, "通报嘉奖"), StreakFirst(3, "记功")))
    for before, consecutive, action in ((0, 1, None), (1, 2, "通报嘉奖"), (4, 5, "记功")):
        s = scored(90, 80)
        s[0].previous_first = before
        first, second = rank_rows(ranking, s)
        assert (first.first, first.consecutive_first) == (True, consecutive)
        assert (first.streak.action if first.streak else None) == action
        assert (second.first, second.consecutive_first, second.streak) == (False, 0, None)


def test_a_period_ranks_combined_totals_and_rewards_the_largest_rise():
    from sqjg.rules import Period, ProgressAward, combine, period_rows

    assert combine([90, 80, 85], "mean") == 85 and combine([90, 80], "sum") == 170
    period = Period("quarter", "mean", (Award(1, "季度流动红旗", 3_000_000),),
                    ProgressAward("进步奖", 500_000, 1))  # fmt: skip
    now = scored(85, 80, 70, 60, names=["甲", "乙", "丙", "丁"])
    # rises: 甲 +1, 乙 +10, 丙 +10 (tied: both), 丁 −5; 戊 had no previous period
    prev = {"甲": 84, "乙": 70, "丙": 60, "丁": 65}
    out = period_rows(period, Ranking(), now, prev)
    assert [(p.ranked.scored.name, p.ranked.rank, bool(p.ranked.award), p.rise, p.progress)
            for p in out] == [
        ("甲", 1, True, 1, False),
        ("乙", 2, False, 10, True),
        ("丙", 3, False, 10, True),
        ("丁", 4, False, -5, False),
    ]  # fmt: skip
    # no cards, no last place sanctions in a period; no previous period: no progress award
    out = period_rows(period, Ranking(), now, None)
    assert not any(p.ranked.yellow_card or p.ranked.media or p.progress for p in out)
    assert all(p.rise is None for p in out)
    # a no_award veto in one of the months bars the period's awards
    now[0].no_award = True
    assert period_rows(period, Ranking(), now, prev)[0].ranked.award is None


ONE_ITEM = '[[items]]\nkey = "work"\nname = "工作"\nsource = "manual"\nmax = 100\n'


@pytest.mark.parametrize(
    "text,words",
    [
        ('[ranking]\ngroup_by = "unit"\n', ["第 8 行", "group_by"]),
        ("[ranking]\nbottom_penalties = [{ count = 0, title = \"通报\" }]\n", ["第 8 行", "bottom_penalties 第 1 项"]),
        ('[ranking]\nbottom_penalties = [{ count = 2, title = "甲" }, { count = 1, title = "乙" }]\n',
         ["bottom_penalties", "从小到大"]),
        ("[ranking]\nbottom_penalties = [{ count = 1, title = \"罚\", fine = -5 }]\n", ["bottom_penalties"]),
        ('[ranking]\nstreak_first = [{ months = 1, action = "嘉奖" }]\n', ["第 8 行", "streak_first", "至少 2"]),
        ('[[periods]]\nkey = "month"\n', ["第 8 行", "quarter"]),
        ('[[periods]]\nkey = "quarter"\n\n[[periods]]\nkey = "quarter"\n', ["第 11 行", "重复"]),
        ('[[periods]]\nkey = "half"\ncombine = "max"\n', ["第 9 行", "combine"]),
        ('[[periods]]\nkey = "year"\nawards = [{ rank = 0, title = "红旗" }]\n', ["第 9 行", "rank"]),
        ('[[periods]]\nkey = "year"\nprogress_award = { reward = 5 }\n', ["第 9 行", "progress_award"]),
        ('[[periods]]\nkey = "year"\nbogus = 1\n', ["第 9 行", "bogus"]),
    ],
)  # fmt: skip
def test_bad_groups_fines_streaks_and_periods_name_key_and_line(text, words):
    with pytest.raises(RulesError) as e:
        rules_from_text(ONE_ITEM + "\n" + text, "r.toml")
    for w in words:
        assert w in str(e.value), str(e.value)
