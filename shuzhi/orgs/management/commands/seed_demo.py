"""Load a realistic demo college (周口职业技术学院) and print one login per role.

Safe to run twice: an existing tree is left as it is and only the demo passwords are reset.
"""

from __future__ import annotations

import datetime
import itertools
import random
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from shuzhi.accounts.services import forget_login_failures
from shuzhi.orgs import services
from shuzhi.orgs.models import Organization, OrgKind, Person, PositionRole

ACTOR = "seed_demo"
DEMO_PASSWORD = "Demo@2026"
START = datetime.date(2024, 1, 1)

COLLEGES = ["机电工程学院", "信息工程学院", "经济管理学院", "医学院", "建筑工程学院", "教育学院"]
BRANCHES = ["教工第一党支部", "教工第二党支部", "学生第一党支部", "学生第二党支部"]
DIRECT_BRANCHES = ["机关第一党支部", "机关第二党支部", "后勤服务中心党支部", "图书馆党支部"]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文博",
    "思远",
    "海燕",
    "志强",
    "晓东",
    "雪梅",
    "国庆",
    "红梅",
    "建国",
]

# (staff number, role label printed, how to find the organisation)
DEMO_LOGINS = [
    ("10001", "党委组织统战部（管理员）"),
    ("10002", "学校党委委员"),
    ("20001", "党总支书记（信息工程学院党总支）"),
    ("20011", "党支部书记（信息工程学院教工第一党支部）"),
    ("30001", "直属党支部书记（机关第一党支部）"),
]


def _lan_address() -> str:
    """This machine's address on its LAN: the source address of a route to a private address (a UDP
    socket's connect sends nothing). Empty when there is none."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            address = probe.getsockname()[0]
    except OSError:
        return ""
    return "" if address.startswith("127.") or address == "0.0.0.0" else address


def _names():
    pairs = [surname + given for surname, given in itertools.product(SURNAMES, GIVEN)]
    random.Random(2024).shuffle(pairs)  # the same demo names on every machine
    yield from pairs


class Command(BaseCommand):
    help = "Load the demo college and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="the port the demo server listens on (make demo PORT=...), for the printed addresses",
        )

    def handle(self, *args, **options):
        port = options["port"]
        local = f"http://127.0.0.1:{port}"
        ballot_base = settings.PUBLIC_BASE_URL or local
        if not Organization.objects.filter(kind=OrgKind.COMMITTEE).exists():
            with transaction.atomic():
                self._build()
            self.stdout.write("已载入演示学院：周口职业技术学院")
        from shuzhi.cycles.models import ReviewCycle

        if not ReviewCycle.objects.exists():
            from shuzhi.orgs.management.commands import demo_cycle, demo_history

            with transaction.atomic():
                demo_history.build()
            self.stdout.write("已载入 2025 年度述职评议考核：述职评议会已开，测评已结束，进入综合评价。")
            with transaction.atomic():
                codes = demo_cycle.build()
            self.stdout.write("已启动 2026 年度述职评议考核，并安排党委扩大会议、开启满意度测评。")
            self.stdout.write("可在手机上试投票（每个测评码限投一次）：")
            for code in codes:
                self.stdout.write(f"  {ballot_base}/v/{code}/")
        self._explain_ballot_address(port)
        self._set_demo_passwords()
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for staff_no, label in DEMO_LOGINS:
            person = Person.objects.get(staff_no=staff_no)
            self.stdout.write(f"  {label:<28} 工号 {staff_no}  {person.name}")
        self.stdout.write(f"\n打开 {local} 登录。")

    def _explain_ballot_address(self, port: int) -> None:
        """Where phones are sent (the printed addresses and the cards' QR codes), and how to make that an
        address a phone on the LAN can reach."""
        if settings.PUBLIC_BASE_URL:
            self.stdout.write(
                f"测评卡二维码和投票地址指向 {settings.PUBLIC_BASE_URL}（PUBLIC_BASE_URL），手机须与本机在同一局域网。"
            )
            public = urlsplit(settings.PUBLIC_BASE_URL)
            public_port = public.port or (443 if public.scheme == "https" else 80)
            if public_port != port:
                self.stdout.write(
                    f"注意：PUBLIC_BASE_URL 的端口 {public_port} 与演示服务器的端口 {port} 不同，手机将打不开投票页。"
                )
            return
        lan = _lan_address() or "本机局域网地址"
        self.stdout.write(
            f"投票地址和测评卡二维码现指向 http://127.0.0.1:{port}，只有本机能打开。"
            f"要让同一局域网内的手机扫码投票，请用本机的局域网地址启动（防火墙需放行 {port} 端口）：\n"
            f"  make demo PORT={port} PUBLIC_BASE_URL=http://{lan}:{port}"
        )

    def _build(self) -> None:
        names = _names()
        counter = itertools.count(1)

        def person(staff_no: str | None = None, gender: str = "") -> Person:
            no = staff_no or f"5{next(counter):05d}"
            return services.create_person(
                ACTOR,
                name=next(names),
                staff_no=no,
                phone=f"139{int(no) % 100000000:08d}",
                gender=gender or ("F" if int(no) % 3 == 0 else "M"),
                is_party_member=True,
            )

        def appoint(p: Person, org: Organization, role: str) -> None:
            services.appoint(ACTOR, person=p, organization=org, role=role, start_date=START)

        committee = services.create_organization(
            ACTOR, name="中共周口职业技术学院委员会", kind=OrgKind.COMMITTEE, parent=None
        )
        appoint(person("10001", "F"), committee, PositionRole.ORG_DEPT_STAFF)
        appoint(person("10003"), committee, PositionRole.ORG_DEPT_STAFF)
        appoint(person("10000"), committee, PositionRole.SECRETARY)
        appoint(person("10002"), committee, PositionRole.MEMBER)
        appoint(person("10004"), committee, PositionRole.DEPUTY_SECRETARY)
        for _ in range(4):
            appoint(person(), committee, PositionRole.MEMBER)

        for i, college in enumerate(COLLEGES, start=1):
            gb = services.create_organization(
                ACTOR, name=f"{college}党总支", kind=OrgKind.GENERAL_BRANCH, parent=committee, sort_order=i
            )
            secretary_no = "20001" if college == "信息工程学院" else None
            appoint(person(secretary_no), gb, PositionRole.SECRETARY)
            appoint(person(), gb, PositionRole.DEPUTY_SECRETARY)
            appoint(person(), gb, PositionRole.MEMBER)
            appoint(person(), gb, PositionRole.ORGANIZER)
            for j, branch in enumerate(BRANCHES, start=1):
                b = services.create_organization(
                    ACTOR, name=f"{college}{branch}", kind=OrgKind.BRANCH, parent=gb, sort_order=j
                )
                no = "20011" if (college == "信息工程学院" and j == 1) else None
                appoint(person(no), b, PositionRole.SECRETARY)
                appoint(person(), b, PositionRole.MEMBER)
        for k, name in enumerate(DIRECT_BRANCHES, start=1):
            db = services.create_organization(
                ACTOR, name=name, kind=OrgKind.DIRECT_BRANCH, parent=committee, sort_order=100 + k
            )
            appoint(person("30001" if k == 1 else None), db, PositionRole.SECRETARY)
            appoint(person(), db, PositionRole.MEMBER)

    def _set_demo_passwords(self) -> None:
        User = get_user_model()
        for staff_no, _label in DEMO_LOGINS:
            user = User.objects.get(username=staff_no)
            user.set_password(DEMO_PASSWORD)
            user.must_change_password = False
            user.save()
            forget_login_failures(user)
