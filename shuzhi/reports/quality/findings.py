"""What the quality check reads and says: the report text (ReportText), a finding (Finding), and the
explanation of every rule (RULE_DESCRIPTIONS), as the rules page and the editor show them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shuzhi.reports import sections

# The one wording of the report's sections (shuzhi.reports.sections).
SECTIONS = sections.KEYS
SECTION_TITLES = sections.TITLES

# --------------------------------------------------------------------------------------------------
# Public data types
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportText:
    prior_answers: tuple[tuple[str, str], ...]  # (last year's notified/self-found problem, the answer)
    practices: str  # 本年度亲力亲为抓基层党建的主要做法
    problems: str  # 存在的突出问题
    next_steps: str  # 下一步工作思路和改进措施
    key_items: tuple[str, ...] = ()  # this year's key content items (年度重点内容)


@dataclass(frozen=True)
class Finding:
    rule: str  # stable code, see RULE_DESCRIPTIONS
    title: str  # short Chinese title
    explanation: str  # plain Chinese: what was measured, what the rule means, how to fix it
    section: str | None  # "prior_answers" | "practices" | "problems" | "next_steps" | None
    sentences: tuple[str, ...]  # exact sentences (or problem texts / key items) of the input that caused it
    items: tuple[str, ...] = ()  # what is missing, when that is not text of the report (areas, sections)


_SEED = "依据《关于基层党组织书记抓党建工作述职评议的实施意见》五（六）"

RULE_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "work_report": (
        "以工作汇报代替工作述职",
        "述职是书记本人讲自己怎么想、怎么抓、抓成什么样，不是罗列单位召开了几次会、完成了哪些任务。"
        "报告中大量“召开……会议……次”“完成……”一类句子，却很少出现“我”“本人”“亲自”等体现本人责任的表述，"
        "就是以工作汇报代替工作述职；通篇写组织做了什么、一次也不出现书记本人的，也是。"
        "以班子、“我们”为主语的写法见“以班子述职代替书记述职”。改法：每项工作写清楚“我”提出了什么、部署了什么、亲自做了什么、"
        f"遇到什么难题、怎么解决的，数字作为佐证。（{_SEED}）",
    ),
    "team_report": (
        "以班子述职代替书记述职",
        "句子的主语多是“党总支”“支委会”“班子”“我们”，而不是“我”“本人”“作为书记”，"
        "读者看到的是集体做了什么，看不到书记本人履行第一责任人职责的情况。改法：把集体的工作换成本人的角色——"
        f"是我提议、我主持、我督办、我带头，集体成绩只作为背景。（{_SEED}）",
    ),
    "unit_work": (
        "以单位工作代替书记工作",
        "“主要做法”写的是单位（学院、处室）的业务成绩——招生、就业率、科研项目、教学获奖、竞赛、工程建设、"
        "办文办会、招聘、预算经费等，主语是单位或科室，看不到书记本人抓党建做了什么。"
        "体检把整段“主要做法”的业务成绩说法和党建说法、“我”“本人”放在一起数，不看句子怎么断，"
        "三句话的报告、一句话罗列十项成绩的报告都一样能看出来。改法：删减或压缩业务成绩，写清楚本人提出了什么、"
        f"组织党组织和党员做了什么，业务成绩只作为党建工作的结果一句带过。（{_SEED}）",
    ),
    "general_work": (
        "以全面工作代替党建工作",
        "讲教学、管理、安全、后勤、外事等全面工作的说法，多于讲党支部建设、党员队伍、组织生活、理论学习、"
        "意识形态、党风廉政等党建工作的说法（在整段“主要做法”中计数，与句子怎么断无关）。"
        "改法：围绕实施意见三（一）至（六）的党建内容组织报告，"
        f"业务工作只在说明党建与业务融合时简要提及。（{_SEED}）",
    ),
    "vague": (
        "以泛泛谈工作代替对工作的思考",
        "“高度重视”“进一步加强”“继续做好各项工作”“有待提高”“还不够深入”“取得了新成效”“呈现良好态势”"
        "“再上新台阶”等套话较多，却没有具体事实，也看不到对原因、根源的分析和本人的反思；"
        "或者“存在的突出问题”“下一步措施”整段都是套话，问题没有具体事例（谁、在哪里、有多少），"
        "措施没有完成时间、责任人或可以衡量的结果。"
        "改法：每个问题写清楚表现在哪里、原因是什么、本人有什么责任；每条措施写清楚做什么、谁来做、什么时候完成。"
        f"（{_SEED}）",
    ),
    "missing_section": (
        "缺少必备部分",
        "实施意见四（二）2要求述职报告写明：上年度问题整改情况、本年度亲力亲为抓党建的主要做法、"
        "存在的突出问题、下一步工作思路和改进措施。这一部分是空的，请补写。",
    ),
    "thin_section": (
        "内容过于单薄",
        "这一部分字数明显少于要求的下限，通常说明只写了结论没有写过程、事实和分析。请补充具体做法、事实和原因分析。",
    ),
    "unanswered_problem": (
        "上年度问题没有回应",
        "实施意见四（二）2要求“注重回应上年度述职通报问题和本人查摆问题整改情况”，要逐条回应。"
        "回应为空；或者只有“已基本整改到位”“认真抓好整改落实”“取得了一定成效”一类概括的说法，没有说到问题本身；"
        "或者讲的是别的事；或者提到了问题却没有写做了什么、结果怎样，都算没有回应。"
        "一句概括的话可以放在具体回应旁边，但不能代替具体回应。"
        "请逐条写明针对这个问题采取了什么措施（时间、数字、制度名称）、整改到什么程度、还剩什么。",
    ),
    "uncovered_area": (
        "述职内容有遗漏",
        "实施意见三（一）至（六）列出了六方面述职内容：理论武装、履行第一责任人职责、基层党建重点任务、"
        "发挥政治功能和战斗堡垒作用、全面从严治党、统战工作。“主要做法”中没有提到列出的方面。"
        "如果本单位确实没有相关工作，也应简要说明；否则请补写本人抓这方面工作的做法。",
    ),
    "uncovered_key_item": (
        "年度重点内容未涉及",
        "实施意见三要求结合实际确定年度述职评议考核重点内容。“主要做法”中没有涉及列出的年度重点内容，"
        "请补写本人抓这些重点任务的做法和成效。",
    ),
    "no_facts": (
        "缺少具体事实",
        "“主要做法”中很少出现数字、时间、文件或活动名称等具体事实，读者无法判断工作做得怎么样。"
        "请用具体的次数、人数、时间、文件名、活动名称说明本人做了什么（例如“3月我为全体党员讲专题党课1次”）。",
    ),
}

RULE_CODES: tuple[str, ...] = tuple(RULE_DESCRIPTIONS)
SUBSTITUTION_RULES: tuple[str, ...] = ("work_report", "team_report", "unit_work", "general_work", "vague")
