"""Publishing the database read-only with Datasette (sqjg serve): Chinese titles, column
descriptions, facets, label columns, canned queries and trigram search over the reader views."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import Invalid
from .i18n import _

# Canned queries: what the office is asked for most. Named parameters become form fields.
QUERIES = {
    "一个单位的超期问题": {
        "title": "一个单位的超期问题",
        "description": "某个责任单位名下待整改且已过整改时限的问题，超期最久的在前。",
        "sql": "SELECT 编号, 问题, 社区, 小区, 地点, 整改时限, 超期天数, 整改通知次数 FROM 问题清单"
        " WHERE 责任单位 = :单位 AND 超期天数 > 0 ORDER BY 超期天数 DESC, 编号",
    },
    "一个社区的经费公示": {
        "title": "一个社区的经费公示",
        "description": "某个社区的经费收支明细（金额：收入为正，支出为负，冲销与原记录相反）。",
        "sql": "SELECT 编号, 日期, 类型, 来源, 缴款方, 用途, 类别, 金额（元）, 作废, 作废原因 FROM 经费台账"
        " WHERE 社区 = :社区 ORDER BY 日期, 编号",
    },
    "曝光台": {
        "title": "曝光台",
        "description": "未结案的严重问题，以及整改通知满 3 次仍未结案的问题。",
        "sql": "SELECT 编号, 问题, 社区, 街道, 责任单位, 整改时限, 超期天数, 整改通知次数, 严重 FROM 问题清单"
        " WHERE 状态 IN ('待整改', '已整改待核查') AND (严重 = '是' OR 整改通知次数 >= 3)"
        " ORDER BY 超期天数 DESC, 编号",
    },
}

TABLES: dict[str, dict[str, Any]] = {
    "问题清单": {
        "title": "问题清单（问题大排查）",
        "description": "每个排查出的问题：在哪里、谁负责、何时整改完成、现在的状态。"
        "搜索需输入三个字或以上（命令行的 issue list --search 没有这个限制）。",
        "columns": {
            "类别": "1 社区/小区，2 街道，3 共建单位，4 职能部门",
            "状态": "待整改、已整改待核查、已结案、已作废",
            "超期天数": "待整改且已过整改时限的天数，按今天计算",
            "识别码": "记录的唯一识别码，导出再导入时用它认出同一个问题",
        },
        "facets": ["社区", "街道", "类别", "状态", "责任单位", "严重"],
        "label_column": "问题",
        "fts_table": "issues_fts",
        "fts_pk": "编号",
        "sort_desc": "超期天数",
    },
    "经费台账": {
        "title": "共建经费台账",
        "description": "每笔收入、支出和冲销（元）；金额带符号：收入为正，支出为负，冲销与原记录相反，合计即余额。",
        "columns": {
            "作废": "“已作废”：这笔已被冲销；“冲销”：这一行是冲销记录",
            "金额（元）": "带符号的金额，单位元",
        },
        "facets": ["社区", "街道", "类型", "来源", "类别"],
        "label_column": "用途",
    },
    "经费余额": {
        "title": "经费余额",
        "description": "每个社区筹集、支出和余额（元），与 sqjg fund balance 相同。",
        "label_column": "社区",
        "facets": ["街道"],
    },
    "社区名录": {
        "title": "社区名录",
        "description": "共建社区、所属街道、书记、主任、街道联系领导和共建牵头单位。",
        "label_column": "社区",
        "facets": ["街道"],
    },
    "月度排名": {
        "title": "月度考评排名（已公布）",
        "description": "每月公布的考评结果：名次、总分、流动红旗和奖励、黄牌警告、媒体公布。",
        "facets": ["年", "月", "街道"],
        "label_column": "社区",
    },
    "units": {"hidden": True},
}


def metadata(database: str) -> dict[str, Any]:
    """Datasette metadata for one database file whose name (without .db) is `database`."""
    return {
        "title": "社区共建工作数据（只读）",
        "description": "三城同创办公室社区共建数据：问题清单、经费台账和余额、社区名录、月度排名。",
        "databases": {
            database: {
                "title": "社区共建",
                "tables": {k: v for k, v in TABLES.items() if k != "units"},
                "queries": QUERIES,
            }
        },
    }


def datasette_args(path: Path, port: int, metadata_file: Path) -> list[str]:
    """The datasette command line: immutable (-i, read-only and cached), on this machine only."""
    return [
        "serve",
        "-i",
        str(path),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--metadata",
        str(metadata_file),
    ]


def require_datasette() -> None:
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise Invalid(
            _("没有安装 Datasette：请运行 pip install -e '.[web]'（或 pip install datasette）。")
        ) from None
