"""The duty report's sections (seed 四（二）2) and the content areas its main practices cover (seed
三（一）–（六）), written once, here. The editor, the reading and print views, the version diff, the quality
check, the .docx export and the cycle's pages take their wording from this module.

Django-free (the quality check imports it). The quality check's keywords for each area are rules the org
dept may tune (data/quality_rules.json, `coverage.areas`); the shipped rules name the areas as
CONTENT_AREAS does, in the same order (tested).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str  # the field of DutyReport / ReportText / a version's content
    number: str  # 一, 二, ...
    title: str

    @property
    def heading(self) -> str:
        """The numbered heading of the report, e.g. 二、本年度亲力亲为抓基层党建的主要做法."""
        return f"{self.number}、{self.title}"


# Seed 四（二）2: “注重回应上年度述职通报问题和本人查摆问题整改情况，本年度亲力亲为抓基层党建工作的主要做法、
# 存在的突出问题以及下一步的工作思路和改进措施”.
SECTIONS: tuple[Section, ...] = (
    Section("prior_answers", "一", "上年度述职通报问题和查摆问题整改情况"),
    Section("practices", "二", "本年度亲力亲为抓基层党建的主要做法"),
    Section("problems", "三", "存在的突出问题"),
    Section("next_steps", "四", "下一步工作思路和改进措施"),
)
BY_KEY: dict[str, Section] = {s.key: s for s in SECTIONS}
KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)
# The free-text sections (the first is answered item by item, one answer per prior problem).
TEXT_KEYS: tuple[str, ...] = KEYS[1:]
TITLES: dict[str, str] = {s.key: s.title for s in SECTIONS}
NUMBERS: dict[str, str] = {s.key: s.number for s in SECTIONS}
HEADINGS: tuple[str, ...] = tuple(s.heading for s in SECTIONS)


@dataclass(frozen=True)
class ContentArea:
    name: str  # short name, as the quality check's findings and the editor's guide show it
    text: str  # the seed's description


# Seed 三（一）–（六), in order.
CONTENT_AREAS: tuple[ContentArea, ...] = (
    ContentArea(
        "理论武装",
        "推进基层党组织和广大党员干部深入学习贯彻习近平新时代中国特色社会主义思想，认真贯彻落实习近平总书记重要指示批示精神和"
        "中央的重大决策部署，持续开展党的创新理论宣讲进校园，深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、"
        "做到“两个维护”等情况",
    ),
    ContentArea(
        "第一责任人职责",
        "基层党组织书记履行抓基层党建和全面从严治党工作第一责任人职责，推动基层党组织履行抓基层党建工作主体责任、"
        "班子其他成员履行分管领域基层党建工作责任等情况",
    ),
    ContentArea(
        "基层党建重点任务",
        "落实基层党建工作重点任务，推进基层党组织建设，加强党支部建设和党员队伍建设，联系服务师生等情况",
    ),
    ContentArea(
        "政治功能和战斗堡垒作用",
        "紧紧围绕中心任务，强化政治功能，充分发挥基层党组织的政治核心作用、战斗堡垒作用和党员的先锋模范作用等情况",
    ),
    ContentArea("全面从严治党", "推动基层党组织落实党风廉政建设责任制、意识形态工作责任制等全面从严治党有关工作情况"),
    ContentArea(
        "统战工作",
        "积极履行统战工作主体责任，认真做好民主党派成员、无党派人士及出国、归国留学人员等工作，重视民族宗教工作，"
        "注重加强党外知识分子队伍建设情况",
    ),
)
AREA_NAMES: tuple[str, ...] = tuple(a.name for a in CONTENT_AREAS)
