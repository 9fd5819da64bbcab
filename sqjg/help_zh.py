"""The Chinese of every command's and option's help, which `--help` shows first (English with
--lang en).

Help is written once, in English with the Chinese term in brackets, where each command and
option is defined (that is what --lang en shows and what developers read beside the code); this
table gives each paragraph and each option help its Chinese, keyed by the English text with its
whitespace collapsed. A paragraph "Example: …" needs no entry (it becomes "示例：…"). A test walks
every command and fails on a help text missing here, so a new option cannot ship in English only.
"""

from __future__ import annotations

# Command docstrings, paragraph by paragraph.
PARAGRAPHS = {
    "Community co-construction (社区共建) campaign tool over one SQLite file.": "社区共建工作工具：全部数据在一个 SQLite 文件里。按工作顺序：登记 → 问题 → 经费 → 活动 → 考评 → 报告 → 数据。",
    "The official holidays and make-up working days (法定节假日与调休) that time limits count by.": "处置时限按工作日计算时所用的法定节假日与调休上班日。",
    "Print 整改通知书 (HTML, A4) listing a unit's open issues; printing records no notice.": "打印列出某单位未整改问题的整改通知书（HTML，A4）；打印本身不登记整改通知。",
    "Record a report handed up to the 三创办 (上报); submitting again is a resubmission, the earliest counts.": "登记报送三创办的材料（上报）；再次上报算补报，以最早的一次为准。",
    "Which communities met each deadline on time, late, or not yet (工作时限), with days left or late.": "各社区每项工作时限的完成情况：按时、逾期或尚未完成，并列出剩余或逾期天数。",
    "Deadlines come from the rules file's [deadlines] table (月-日, each year of --as-of).": "时限取自规则文件的 [deadlines] 表（月-日，按 --as-of 所在年份）。",
    "Rank the communities for a month, with every reward and sanction (月度考评排名).": "月度考评排名：各社区的名次以及全部奖励和处罚。",
    "A published month always shows its stored result. --community C ranks C's compounds; --units --year Y gives the year-end prizes of the co-construction units; --period 2026-Q3 ranks a quarter on the months' totals ([[periods]] in the rules).": "已公布的月份总是显示当时存下的结果。--community C 对 C 社区的小区排名；--units --year Y 给出共建单位的年终奖项；--period 2026-Q3 按各月总分对一个季度排名（规则文件的 [[periods]]）。",
    "Civilized-community rate against the year's target (文明社区建成率).": "文明社区建成率与本年度目标的对比。",
    "Create the database, or bring an older one up to date (初始化数据库).": "初始化数据库，或把旧的数据库升级到当前结构。",
    "Show the database path, schema version and row counts (数据库信息).": "数据库信息：文件位置、结构版本和各表行数。",
    "Build the demo city into a fresh database and show it at work (演示城市).": "把演示城市建进一个新数据库，并演示一遍工作流程。",
    "Show the audit trail of every change (操作日志): when, who, which command, before and after.": "操作日志：每一处改动的时间、操作人、命令，以及改动前后的内容。",
    "Undo your last command, whole, from the audit trail (撤销上一条命令); asks first.": "按操作日志整条撤销自己的上一条命令；先列出要做的改动并询问。",
    "Back up the database safely while others write (备份数据库), then check the copy.": "备份数据库（别人正在写入也安全），并检查备份副本。",
    "Check the database and the domain's invariants (数据检查); exit 1 listing what fails.": "数据检查：数据库完整性和业务规则；不通过时逐条列出并以退出码 1 结束。",
    "Hash chains are recomputed and each chain's first broken row is named; --anchor proves the chains still hold a fingerprint printed by an earlier report or publication.": "从头重算每条哈希链，指出每条链第一处断开的行；--anchor 证明链中仍有早先报告或公布时打印的账本指纹。",
    "Publish the database read-only with Datasette (只读发布): Chinese views, search, canned queries.": "用 Datasette 只读发布数据库：中文视图、搜索、预置查询。",
    "Register units (登记单位): streets, communities, compounds, co-construction units, departments, enterprises.": "登记单位：街道办事处、社区、小区、共建单位、职能部门、企业。",
    "Register a unit (登记单位).": "登记一个单位。",
    "Link a unit to a community it co-builds with (共建关系).": "建立共建关系：把共建单位关联到它共建的社区。",
    "Remove a unit's link to a community (解除共建关系).": "解除单位与社区的共建关系。",
    "List registered units (单位名录).": "单位名录：列出已登记的单位。",
    "Show a unit and its place in the tree (单位详情): street → communities → compounds, units, people.": "单位详情及其上下级：街道 → 社区 → 小区、共建单位、人员。",
    "Change a unit's name or details (修改单位).": "修改单位的名称或信息。",
    "Remove a unit that nothing refers to (删除单位).": "删除没有任何记录引用的单位。",
    "Import units from a register, CSV or workbook (批量导入单位); all rows or none.": "从名册（CSV 或工作簿）批量导入单位；要么全部导入，要么一行不导入。",
    "Export the register (导出单位名录), CSV or xlsx, that `unit import` reads back.": "导出单位名录（CSV 或 xlsx），可再用 `unit import` 读回。",
    "Record a community's designation as a civilized community (文明社区) for a year.": "登记社区某年度被认定为文明社区。",
    "Surveyed problems and their rectification (问题大排查与整改): log, route, track, verify, report.": "问题大排查与整改：登记、派遣、跟踪、核查、统计。",
    "Log a surveyed problem (登记问题, 立案) and print its id.": "登记排查出的问题（立案），并显示问题编号。",
    "Without --unit the responsible party follows the category: 1 the community, 2 its street office, 3 its lead unit; 4 needs the department. Without --due the rules file's time limit of the kind, else of the category, else its default sets the due date.": "不给 --unit 时，责任方按类别确定：1 社区本身，2 所属街道办事处，3 社区的牵头单位；4 类须指定职能部门。不给 --due 时，整改时限依次按规则文件中该问题类型、该类别的处置时限或默认时限计算。",
    "Record that the responsible side reports the problem fixed (整改完成, 待核查).": "登记责任方报告整改完成（待核查）。",
    "Verify a resolved problem on site (核查): --pass closes it (结案), --fail sends it back (返工).": "现场核查已整改的问题：--pass 通过即结案，--fail 不通过退回返工。",
    "The verifier (--by) must be independent: someone registered under the responsible unit (its contact, head, secretary, director or liaison leader), or the unit itself, is refused.": "核查人（--by）必须独立：责任单位登记的人员（联系人、负责人、书记、主任、联系领导）或责任单位本身都会被拒绝。",
    "Record a notice to rectify sent to the responsible side (整改通知), at its step of the rules' notice ladder ([[issues.notices]]), and say whom it is addressed to.": "登记发给责任方的整改通知，按规则文件的通知阶梯（[[issues.notices]]）确定这是第几次，并说明发给谁。",
    "Move an issue's due date later (延期); the original due date is kept.": "把问题的整改时限往后延（延期）；原定时限保留。",
    "Send an issue back and route it to another responsible party (回退/改派).": "回退问题并改派给另一个责任方。",
    "A unit's open issues by due date, ready to send (责任单位待办清单).": "责任单位待办清单：按整改时限列出该单位未结案的问题，可直接发送。",
    "Each with the days left or overdue, the notices sent and the community's secretary and director.": "每条列出剩余或超期天数、已发整改通知次数，以及社区书记和主任。",
    "Correct what an issue says (更正问题): description, location, compound, kind, seriousness.": "更正问题的内容：描述、地点、小区、类型、是否严重。",
    "The change is kept in the issue's history (sqjg issue show). Category and unit change only through reassign.": "更正记入问题的处置记录（sqjg issue show）。类别和责任单位只能用 reassign 改。",
    "Cancel an issue logged by mistake (作废): kept, never counted as fixed.": "作废登错的问题：记录保留，但永远不算作整改。",
    "Show an issue and its history (问题详情与处置记录).": "问题详情与全部处置记录。",
    "List an issue's photos (照片), or write them out with --export DIR.": "列出问题的照片，或用 --export 目录 导出照片文件。",
    "List issues as they stood on a date (问题清单); without --status every issue is listed.": "问题清单：按某一日期的状态列出问题；不给 --status 时列出全部问题。",
    "The survey report (排查情况): counts and indicators per community and for the city.": "排查情况：各社区和全市的问题数量与各项指标。",
    "结案率 = closed / due by the date; 按期结案率 = closed on time / due; 返工率 = reworked / ever reported fixed; 超期待处置率 = overdue and not fixed / due; 延期率 = extended / all.": "结案率 = 已结案 / 截至该日到期的；按期结案率 = 按期结案 / 到期的；返工率 = 返工过的 / 报过整改完成的；超期待处置率 = 超期未整改 / 到期的；延期率 = 延期过的 / 全部。",
    "The media exposure board (曝光台): unclosed issues that are serious or got N notices (rules file).": "媒体曝光台：未结案的严重问题，或整改通知达到规则文件规定次数的问题。",
    "Import a survey sheet (批量导入问题): every row is checked; all rows go in, or none.": "批量导入排查表：逐行检查；要么全部导入，要么一行不导入。",
    "Columns: description, community, compound, location, category, unit, due, found, kind (or 问题, 社区, 小区, 地点, 类别, 责任单位, 整改时限, 发现日期, 类型). A row without a due date takes the rules file's time limit ([issues.time_limits]).": "列：问题、社区、小区、地点、类别、责任单位、整改时限、发现日期、类型（或 description, community, compound, location, category, unit, due, found, kind）。没有整改时限的行按规则文件的处置时限（[issues.time_limits]）计算。",
    "Export issues as a survey sheet (导出排查表), CSV or xlsx, that `issue import` reads back.": "导出排查表（CSV 或 xlsx），可再用 `issue import` 读回。",
    "The co-construction funds ledger (共建经费): contributions, spending, voids, balances, notices.": "共建经费台账：收入、支出、作废冲销、余额、公示。",
    "Record a contribution to a community's funds (登记经费收入).": "登记社区共建经费的一笔收入。",
    "Record an expenditure (登记经费支出); never for bonuses or welfare, never above the balance.": "登记一笔经费支出；不得用于奖金、福利，不得超过余额。",
    "Void an entry with a reversing entry (作废/冲销); the original stays in the ledger.": "用一笔冲销记录作废某笔记录；原记录留在台账里。",
    "Import ledger entries from a CSV or workbook (批量导入经费记录); all rows or none.": "从 CSV 或工作簿批量导入经费记录；要么全部导入，要么一行不导入。",
    "Columns: ref, date, type (contribution|expenditure|void), community, source, payer, amount, purpose, category, approved_by, voids, reason, note, uid (or 编号, 日期, 类型, 社区, 来源, 缴款方, 金额, 用途, 类别, 批准人, 作废, 原因, 备注, 识别码).": "列：编号、日期、类型（收入 contribution|支出 expenditure|作废 void）、社区、来源、缴款方、金额、用途、类别、批准人、作废、原因、备注、识别码（或 ref, date, type, community, source, payer, amount, purpose, category, approved_by, voids, reason, note, uid）。",
    "What `fund list --format csv` writes reads back: a row whose uid is in the ledger is skipped when unchanged and refused when changed (the ledger is never edited).": "`fund list --format csv` 导出的表可以导回：识别码已在台账中的行，没改的跳过，改了的拒绝（台账不能修改）。",
    "Show raised, spent and balance per community, and what each street office holds (经费余额).": "经费余额：各社区的筹集、支出和余额，以及各街道办事处代管的金额。",
    "List ledger entries (经费明细), voided ones marked.": "经费明细：列出台账记录，已作废的有标记。",
    "The funds-raised report due 10 July (经费筹集情况), or with --public the residents' notice (公示).": "经费筹集情况报表（7 月 10 日前上报）；加 --public 为面向居民的收支公示。",
    "Recompute every balance from scratch and check the ledger's invariants (经费账目检查); exit 1 on failure.": "经费账目检查：从头重算每个余额并检查台账规则；不通过时退出码 1。",
    "Co-construction committee meetings (共建委会议).": "共建委会议。",
    "Record a co-construction committee meeting (共建委会议).": "登记一次共建委会议。",
    "List committee meetings (共建委会议记录).": "列出共建委会议记录。",
    "Import meetings from a CSV or workbook (批量导入共建委会议); all rows or none.": "从 CSV 或工作簿批量导入共建委会议；要么全部导入，要么一行不导入。",
    "A list's CSV (with its uid) reads back: a row whose record is here is skipped when unchanged and refused when changed (remove the record and add it again).": "列表导出的 CSV（带识别码）可以导回：记录已在库中的行，没改的跳过，改了的拒绝（先删除该记录再重新登记）。",
    "Columns: community, date, attendees, note (or 社区, 日期, 参会人数, 备注).": "列：社区、日期、参会人数、备注（或 community, date, attendees, note）。",
    "Big clean-ups (卫生大清扫).": "卫生大清扫。",
    "Record a big clean-up (卫生大清扫) and who took part.": "登记一次卫生大清扫及参加单位。",
    "List clean-ups and who took part (大清扫记录).": "列出大清扫记录及参加单位。",
    "Import clean-ups from a CSV or workbook (批量导入大清扫); all rows or none.": "从 CSV 或工作簿批量导入大清扫；要么全部导入，要么一行不导入。",
    "Columns: community, date, participants, units, note (or 社区, 日期, 参加人数, 参加单位, 备注).": "列：社区、日期、参加人数、参加单位、备注（或 community, date, participants, units, note）。",
    "City leaders' inspections (市级领导检查).": "市级领导检查。",
    "Record a city leaders' inspection (市级领导检查) and its score; prints its id for `issue add --inspection`.": "登记一次市级领导检查及得分；显示检查编号，供 `issue add --inspection` 使用。",
    "List city leaders' inspections and scores (检查记录).": "列出市级领导检查记录及得分。",
    "Import inspections from a CSV or workbook (批量导入市级领导检查); all rows or none.": "从 CSV 或工作簿批量导入市级领导检查；要么全部导入，要么一行不导入。",
    "Columns: community, date, leader, score, note (or 社区, 日期, 检查领导, 得分, 备注).": "列：社区、日期、检查领导、得分、备注（或 community, date, leader, score, note）。",
    "Import submissions from a CSV or workbook (批量导入上报记录); all rows or none.": "从 CSV 或工作簿批量导入上报记录；要么全部导入，要么一行不导入。",
    "Columns: community, report, date, note (or 社区, 上报事项, 日期, 备注).": "列：社区、上报事项、日期、备注（或 community, report, date, note）。",
    "The six long-term mechanisms (长效机制).": "六项长效机制。",
    "Record that a long-term mechanism is in place (建立长效机制); setting it again corrects the date.": "登记某项长效机制已建立；再次登记即更正建立日期。",
    "Remove a long-term mechanism recorded by mistake (撤销长效机制登记).": "撤销登错的长效机制。",
    "Communities × the six long-term mechanisms (长效机制建设情况): ✓ with the date, or blank.": "长效机制建设情况：各社区 × 六项机制，已建立的打 ✓ 并注明日期。",
    "All dated work in one timeline (活动记录): meetings, clean-ups, inspections, submissions.": "活动记录：会议、大清扫、检查、上报，按日期排成一条时间线。",
    "Delete a meeting, clean-up, inspection or submission recorded by mistake (删除记录); the audit log keeps it.": "删除登错的会议、大清扫、检查或上报记录；操作日志里仍留有它。",
    "One timeline of meetings, clean-ups, inspections and submissions (活动记录).": "活动记录：会议、大清扫、检查和上报的时间线。",
    "Points entered by hand for manual items (手工评分).": "手工评分：手工录入的考评项目得分。",
    "Enter a manual item's points for a month (录入手工评分); setting again replaces, history kept.": "录入某月某手工评分项目的得分；再次录入即替换，历史记录保留。",
    "Put a one-vote veto on a community's month, or lift it with --clear (一票否决).": "对某社区某月一票否决，或用 --clear 撤销。",
    "List the points entered by hand (手工评分记录).": "列出手工评分记录。",
    "The rules file in force (考评办法规则文件).": "正在使用的考评办法规则文件。",
    "Show the rules in force: items, awards, sanctions, prizes, targets (显示考评规则).": "显示正在使用的考评规则：考评项目、奖励、处罚、年终奖项、目标。",
    "Validate a rules file without using it (检查规则文件).": "检查规则文件是否有效（不启用它）。",
    "Reports for cron and for people (报表): monthly and daily.": "报表：月度报告和每日简报，供定时任务和人阅读。",
    "The monthly report (月度报告): ranking and outcomes, item points, survey, exposure board, funds, calendar and the civilized-community rate, in one document.": "月度报告：排名和奖惩、各项得分、问题排查、曝光台、经费、工作时限和文明社区建成率，合成一份文件。",
    "--format csv writes one table, chosen with --section ranking|items|issues|units|exposure|funds|due.": "--format csv 只写一张表，用 --section ranking|items|issues|units|exposure|funds|due 选择。",
    "The morning report (每日简报): deadlines in the next 7 days and those missed, issues falling overdue today, and the exposure board.": "每日简报：今后 7 天到期和已错过的时限、今天起超期的问题、曝光台。",
    "--format csv writes one table, chosen with --section upcoming|past_due|overdue|exposure.": "--format csv 只写一张表，用 --section upcoming|past_due|overdue|exposure 选择。",
}

# Option and argument help.
OPTIONS = {
    "SQLite database file (数据库文件); default $SQJG_DB, else the app directory.": "数据库文件（SQLite）；默认取 $SQJG_DB，否则在应用目录下。",
    "Output language (语言): zh (default) or en.": "输出语言：zh（默认，中文）或 en（英文）。",
    "Show the version (版本) and exit.": "显示版本并退出。",
    "Install completion for the current shell.": "为当前 shell 安装 Tab 补全。",
    "Show completion for the current shell, to copy it or customize the installation.": "显示当前 shell 的补全脚本，以便复制或自行安装。",
    "Year (年份); default this year.": "年份；默认今年。",
    "Output format (输出格式).": "输出格式。",
    "On a terminal, show every column of a table (显示全部列).": "在终端上显示表格的全部列。",
    "Never page a long table through less/$PAGER (不分页).": "长表格不经 less/$PAGER 分页。",
    "One letter for this responsible unit (责任单位).": "给这个责任单位出一份通知书。",
    "Only the overdue issues (只列超期问题).": "只列超期问题。",
    "One letter per unit with overdue issues, into -o DIR.": "给每个有超期问题的单位各出一份，写到 -o 目录。",
    "Letter file, or with --all-overdue a folder (输出).": "通知书文件；与 --all-overdue 同用时为目录。",
    "Community (社区).": "社区。",
    "Community (社区); required.": "社区；必须给出。",
    "Rank a quarter, half year or year: 2026-Q3, 2026-H2, 2026 (季度、半年、年度排名).": "对一个季度、半年或全年排名：2026-Q3、2026-H2、2026。",
    "survey|funds|cleanup|selfcheck (上报事项: 问题排查/经费筹集/大清扫/自查).": "上报事项：survey 问题排查 | funds 经费筹集 | cleanup 大清扫 | selfcheck 自查。",
    "survey|funds|cleanup|selfcheck (上报事项: 问题排查/经费筹集/大清扫/自查); required.": "上报事项：survey 问题排查 | funds 经费筹集 | cleanup 大清扫 | selfcheck 自查；必须给出。",
    "Date it happened (日期), e.g. 2026-07-10 or 7月10日; not after today.": "日期，如 2026-07-10 或 7月10日；不能晚于今天。",
    "Date it happened (日期), e.g. 2026-07-10 or 7月10日; not after today; required.": "日期，如 2026-07-10 或 7月10日；不能晚于今天；必须给出。",
    "Note (备注).": "备注。",
    "Record an entry dated inside a published month, with --reason (公布后补录).": "公布后补录：登记日期在已公布月份内的记录，须同时给 --reason。",
    "Why the entry is late (补录原因); with --late.": "补录原因；与 --late 同用。",
    "Count as of this date (截至日期), e.g. 2026-07-31; default today.": "截至日期，如 2026-07-31；默认今天。",
    "Street office (街道办事处).": "街道办事处。",
    "Only one deadline (时限): survey|funds|cleanup|selfcheck.": "只看一项时限：survey|funds|cleanup|selfcheck。",
    "Rules file (考评办法规则文件, TOML); default $SQJG_RULES, else the shipped data/rules.toml.": "考评办法规则文件（TOML）；默认取 $SQJG_RULES，否则用自带的 data/rules.toml。",
    "Month 1-12 (月份).": "月份（1-12，也可写 7月）。",
    "Rank this community's compounds instead (小区流动红旗竞赛).": "改为对该社区的小区排名（小区流动红旗竞赛）。",
    "Year-end prizes for co-construction units (共建单位年终考核); with --year.": "共建单位年终考核奖项；与 --year 同用。",
    "Freeze and publish the month's result (公布并冻结当月结果).": "公布并冻结当月结果。",
    "Publish again over an earlier publication (重新公布).": "重新公布，取代早先的公布结果。",
    "Publish although hand-entered points are missing; they count 0 (缺手工评分也公布).": "缺手工评分也公布，缺的按 0 分计。",
    "Replace an existing file (覆盖已有文件).": "覆盖已有文件。",
    "From this date (起始日期).": "起始日期。",
    "unit|issue|fund|score|meeting|cleanup|inspection|submission|mechanism|publication|civilized (对象).": "对象：unit|issue|fund|score|meeting|cleanup|inspection|submission|mechanism|publication|civilized。",
    "Record id (编号); needs --entity.": "记录编号；须同时给 --entity。",
    "Only the newest N changes (最近 N 条).": "只看最近 N 条改动。",
    "Do it without asking (不再询问，用于脚本).": "不询问直接执行（用于脚本）。",
    "Show your recent commands and whether each can be undone (可撤销的命令).": "列出自己最近的命令，以及每条能否撤销、为什么。",
    "Backup file to write (备份文件).": "要写入的备份文件。",
    "Overwrite an existing file (覆盖).": "覆盖已有文件。",
    "A fingerprint printed earlier, or a file holding one (账本指纹，文字或文件).": "早先打印的账本指纹，文字或含有指纹的文件。",
    "Re-create missing or altered triggers and indexes, recorded in the audit trail (重建触发器).": "重建缺失或被改动的触发器和索引，并记入操作日志。",
    "Port (端口) on 127.0.0.1.": "端口（在 127.0.0.1 上）。",
    "Name (名称).": "名称。",
    "street|community|compound|unit|department|enterprise (类型).": "类型：street 街道 | community 社区 | compound 小区 | unit 共建单位 | department 职能部门 | enterprise 企业。",
    "A compound's community, or the communities a unit co-builds with (所属社区/共建社区).": "小区所属的社区，或共建单位共建的社区。",
    "The unit is the community's lead unit (牵头单位).": "该单位是社区的共建牵头单位。",
    "Community secretary (书记).": "社区书记。",
    "Community director (主任).": "社区主任。",
    "Street leader linking the community (联系领导).": "联系该社区的街道班子成员（联系领导）。",
    "Contact person (联系人): 1st notices go here.": "联系人：第一次整改通知发给他。",
    "Head of the unit (负责人): later notices.": "单位负责人：之后的整改通知发给他。",
    "Telephone (联系电话).": "联系电话。",
    "Official code, e.g. 12-digit division code (代码).": "代码，如 12 位区划代码。",
    "Co-construction unit (共建单位).": "共建单位。",
    "Community it co-builds with (共建社区).": "共建的社区。",
    "Make it the community's lead unit (牵头单位).": "设为社区的共建牵头单位。",
    "Unit name, or 社区/小区 (名称).": "单位名称，小区写作 社区/小区。",
    "New name (新名称).": "新名称。",
    "Secretary (书记); empty clears.": "书记；给空值即清除。",
    "Director (主任); empty clears.": "主任；给空值即清除。",
    "Street liaison leader (联系领导).": "街道联系领导。",
    "Official code (代码).": "代码。",
    "CSV (UTF-8 or GBK) or workbook (.xlsx, .xls, .ods), told apart by content (CSV 或工作簿).": "CSV（UTF-8 或 GBK）或工作簿（.xlsx、.xls、.ods），按内容自动识别。",
    "CSV file encoding (编码), e.g. gbk.": "CSV 文件的编码，如 gbk。",
    "Workbook sheet, by name or number from 1 (工作表); default the first.": "工作表，按名称或从 1 起的序号；默认第一张。",
    "Write to this file (输出文件); default stdout.": "写到这个文件；默认标准输出。",
    "Write to this file (输出文件); needed by --format xlsx.": "写到这个文件；--format xlsx 必须给出。",
    "JSON indented for people (缩进的 JSON).": "缩进排版的 JSON，便于阅读。",
    "csv, or xlsx with --output (导出格式).": "导出格式：csv，或与 --output 同用时 xlsx。",
    "utf-8 (with BOM, for Excel) or gbk/gb18030 (编码).": "编码：utf-8（带 BOM，便于 Excel）或 gbk/gb18030。",
    "CSV: leave text starting with = + - @ as it is (不转义公式); off by default.": "CSV：以 = + - @ 开头的文字原样写出（不转义公式）；默认转义。",
    "CSV column names and 是/否: en (default) or zh (表头语言).": "CSV 表头和是/否的语言：en（默认）或 zh。",
    "Year of the designation (认定年度); default the date's year.": "认定年度；默认取认定日期的年份。",
    "Date designated (认定日期); not after today.": "认定日期；不能晚于今天。",
    "What the problem is (问题描述).": "问题描述。",
    "1 community/compound, 2 street, 3 co-construction unit, 4 department (类别).": "类别：1 社区/小区，2 街道，3 共建单位，4 职能部门。",
    "Due date (整改时限), e.g. 7-20; default from the rules' [issues.time_limits].": "整改时限，如 7-20；默认按规则文件的 [issues.time_limits] 计算。",
    "Compound (小区).": "小区。",
    "Where exactly (具体地点).": "具体地点。",
    "Responsible unit (责任单位).": "责任单位。",
    "Date found (发现日期); default today.": "发现日期；默认今天。",
    "Kind tag (问题类型), e.g. 占道.": "问题类型，如 占道。",
    "A serious problem (严重问题): goes on the exposure board.": "严重问题：会上曝光台。",
    "Id of the inspection that found it (检查记录编号).": "发现该问题的检查记录编号。",
    "Log it even if the community has an open issue with the same description (允许重复).": "即使社区已有描述相同的未结案问题也登记（允许重复）。",
    "A photo as evidence (照片), repeatable; stored inside the database.": "作为证据的照片，可给多次；存在数据库里。",
    "Issue id (问题编号).": "问题编号。",
    "When it happened (日期), e.g. 7-20; default today.": "日期，如 7-20；默认今天。",
    "Who verified (核查人); not a person of the responsible unit.": "核查人；不能是责任单位的人。",
    "Verified fixed, or not (核查通过/未通过).": "核查通过或未通过。",
    "Also write the printable letter (整改通知书, HTML, A4) to this file.": "同时把可打印的整改通知书（HTML，A4）写到这个文件。",
    "New due date (新的整改时限).": "新的整改时限。",
    "Why (延期理由).": "延期理由。",
    "New responsible unit (新的责任单位).": "新的责任单位。",
    "text|csv|markdown (输出格式).": "输出格式：text|csv|markdown。",
    "The corrected description (问题描述).": "更正后的问题描述。",
    'Where exactly (具体地点); "" clears it.': '具体地点；给 "" 即清除。',
    "A serious problem, or not (严重问题).": "是否严重问题。",
    "Why (作废理由), e.g. 重复登记.": "作废理由，如 重复登记。",
    "Write the photos, byte for byte, into this folder (导出).": "把照片原样导出到这个目录。",
    "open|resolved|closed|cancelled|overdue (open, past due)|late (closed after the due date), or 待整改/已结案/超期/逾期结案… (状态).": "状态：open 待整改 | resolved 已整改待核查 | closed 已结案 | cancelled 已作废 | overdue 超期（未结案且已过时限）| late 逾期结案（在时限之后结案），也可写中文。",
    "Only issues with this flag: rework (多次返工, 3+ failed checks).": "只列带这个标记的问题：rework（多次返工，核查未通过 3 次以上）。",
    "Words that must all be in the description, location or kind (搜索).": "搜索：描述、地点或类型中须包含的全部词语。",
    "due|found|days-overdue (排序); default by id.": "排序：due 整改时限 | found 发现日期 | days-overdue 超期天数；默认按编号。",
    "At most this many issues (条数上限).": "最多列出多少条。",
    "Group by community, street, responsible unit, compound or kind tag (汇总口径).": "汇总口径：按社区、街道、责任单位、小区或问题类型。",
    "Community the money is for (社区).": "经费所属的社区。",
    "unit|enterprise|community (经费来源: 共建单位凑集/企业捐助/社区小区自筹).": "经费来源：unit 共建单位凑集 | enterprise 企业捐助 | community 社区小区自筹。",
    "Payer (缴款方): a registered unit or department, an enterprise, or the community / one of its compounds (小区, or 社区/小区).": "缴款方：已登记的共建单位或职能部门、企业，或社区本身/它的小区（写小区名，或 社区/小区）。",
    "Amount in yuan (金额), e.g. 20000, 2万, 1.5万元, 300.50, ¥300.": "金额（元），如 20000、2万、1.5万元、300.50、¥300。",
    "Date (日期), e.g. 2026-07-05 or 7月5日; default today.": "日期，如 2026-07-05 或 7月5日；默认今天。",
    "Record it even if the same payer paid the same amount that day (再登记一笔).": "即使同一缴款方当天已登记过同样金额，也再登记一笔。",
    "Community spending the money (社区).": "支出经费的社区。",
    "What the money is for (用途).": "用途。",
    "cleaning|greening|publicity|activity|repair|other (支出类别).": "支出类别：cleaning 环境卫生 | greening 绿化 | publicity 宣传 | activity 活动 | repair 维修 | other 其他。",
    "Who approved the spending (批准人).": "批准人。",
    "Number of the entry to void (记录编号), e.g. 12.": "要作废的记录编号，如 12。",
    "Why it is voided (作废原因).": "作废原因。",
    "One row per community or per street office (汇总方式).": "汇总方式：每个社区一行，或每个街道办事处一行。",
    "unit|enterprise|community (经费来源).": "经费来源：unit|enterprise|community。",
    "contribution|expenditure|void (记录类型).": "记录类型：contribution 收入 | expenditure 支出 | void 作废。",
    "First date (起始日期), inclusive.": "起始日期（含）。",
    "Last date (截止日期), inclusive.": "截止日期（含）。",
    "Month 1-12 (月份); default this month.": "月份（1-12）；默认本月。",
    "Print the notice for residents (收支公示) as plain text.": "以纯文本打印面向居民的收支公示。",
    "Number of attendees (参会人数), 0 or more.": "参会人数，0 或以上。",
    "Month 1-12 (月份); with --year, default this year.": "月份（1-12）；与 --year 同用，年份默认今年。",
    "Year (年份).": "年份。",
    "Number of people taking part (参加人数), 0 or more.": "参加人数，0 或以上。",
    "Units taking part (参加单位): co-construction units, departments or enterprises, comma-separated.": "参加单位：共建单位、职能部门或企业，用逗号分隔。",
    "The inspecting city leader's name (检查领导).": "检查的市级领导姓名。",
    "Score 0-100 (得分), decimals allowed.": "得分 0-100，可带小数。",
    "meeting|liaison|archive|finance|supervision|cleaning (机制: 会议/沟通联系/建档/财务管理/督查考核/保洁).": "机制：meeting 会议 | liaison 沟通联系 | archive 建档 | finance 财务管理 | supervision 督查考核 | cleaning 保洁。",
    "Date it was established (建立日期); not after today.": "建立日期；不能晚于今天。",
    "meeting|liaison|archive|finance|supervision|cleaning (机制).": "机制：meeting|liaison|archive|finance|supervision|cleaning。",
    "meeting|cleanup|inspection|submission (类别).": "类别：meeting 会议 | cleanup 大清扫 | inspection 检查 | submission 上报。",
    "Its id (编号), as shown by `activity list`.": "记录编号，即 `activity list` 显示的编号。",
    "Only one kind (类别): meeting|cleanup|inspection|submission.": "只看一类：meeting|cleanup|inspection|submission。",
    "Community, or 社区/小区 for a compound (社区/小区).": "社区；小区写作 社区/小区。",
    "Item key of a manual item (考评项目 key).": "手工评分项目的 key。",
    "Points within [0, max] of the item (分数).": "分数，在该项目的 [0, 满分] 之内。",
    "How many, for a count:manual item (计数扣分项的件数).": "件数，用于计数扣分（count:manual）项目。",
    "Key of a [[veto]] in the rules (否决项).": "规则文件中 [[veto]] 否决项的 key。",
    "Lift the veto (撤销一票否决).": "撤销一票否决。",
    "Include replaced scores (含历史记录).": "包括已被替换的历史评分。",
    "Rules file to validate (规则文件).": "要检查的规则文件。",
    "Output format (输出格式): text, markdown, csv, json, html or xlsx (with -o).": "输出格式：text、markdown、csv、json、html，或与 -o 同用时 xlsx。",
    "With --format csv: the one table to write (表格).": "与 --format csv 同用：要写的那一张表。",
    "Write to this file, atomically (输出文件); default stdout.": "写到这个文件（原子写入）；默认标准输出。",
}

# Click's own words around the help (headings, markers), in the order they are replaced.
CLICK_WORDS = [
    ("Usage: ", "用法："),
    ("Options:", "选项："),
    ("Arguments:", "参数："),
    ("Commands:", "命令："),
    ("Show this message and exit.", "显示本帮助并退出。"),
    ("[required]", "[必填]"),
    ("[default: ", "[默认："),
]


def _width(ch: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


# Never at the start of a line (a line break goes before the word in front of them instead).
_CLOSING = set("，。；：、）》」』！？”’")


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` terminal columns: Chinese breaks between any two characters,
    a run of Latin letters, digits and signs (--as-of, 2026-07-31) is never broken."""
    import re

    tokens = re.findall(r"[!-~]+|\s+|.", text)
    lines, line, used = [], "", 0
    for tok in tokens:
        if tok.isspace():
            if line:
                line, used = line + " ", used + 1
            continue
        w = sum(_width(c) for c in tok)
        if used + w > width and line.strip() and tok[0] not in _CLOSING:
            lines.append(line.rstrip())
            line, used = "", 0
        line, used = line + tok, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


def paragraphs(help_text: str) -> list[str]:
    """A help text's paragraphs, each on one line (as Click joins them when it rewraps)."""
    import inspect

    return [" ".join(p.split()) for p in inspect.cleandoc(help_text).split("\n\n") if p.strip()]


def chinese(help_text: str, width: int) -> str:
    """The Chinese of a command's help, wrapped to `width` columns; a paragraph missing from the
    table stays as written. \\b before each paragraph keeps Click from rewrapping it by length
    (which counts a Chinese character as one column, where it takes two)."""
    out = []
    for p in paragraphs(help_text):
        p, example = p.partition("Example:")[0].strip(), p.partition("Example:")[2].strip()
        if p:
            out.append("\b\n" + "\n".join(wrap(PARAGRAPHS.get(p, p), width)))
        if example:
            # On one line, however long: an example is there to be copied.
            out.append("\b\n示例：" + example)
    return "\n\n".join(out)


def chinese_option(help_text: str, width: int, room: int = 0) -> str:
    """An option's help in Chinese, wrapped to `width` columns, its last line leaving `room` for
    what Click adds after it ([必填], [默认：…])."""
    flat = " ".join(help_text.split())
    lines = wrap(OPTIONS.get(flat, flat), width)
    if lines and room and sum(_width(c) for c in lines[-1]) + room > width:
        lines.append("")  # Click's addition goes on a line of its own
    return "\b\n" + "\n".join(lines)


def short(help_text: str, limit: int) -> str:
    """The one line a command list shows: the first clause of the Chinese, within `limit` columns."""
    first = paragraphs(help_text)[0] if help_text.strip() else ""
    text = PARAGRAPHS.get(first.partition("Example:")[0].strip(), first)
    for stop in "。；":
        text = text.split(stop)[0]
    lines = wrap(text, limit)
    return lines[0] + ("…" if len(lines) > 1 else "") if lines else ""


def missing(help_text: str, *, option: bool = False) -> list[str]:
    """The paragraphs (or the option help) that have no Chinese here."""
    if option:
        flat = " ".join(help_text.split())
        return [] if flat in OPTIONS else [flat]
    out = []
    for p in paragraphs(help_text):
        p = p.partition("Example:")[0].strip()
        if p and p not in PARAGRAPHS:
            out.append(p)
    return out
