from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from onevisit.demo.awards import demo_awards_load
from onevisit.demo.inspection import demo_inspection_load
from onevisit.demo.payments import demo_payments_load
from onevisit.demo.rules import demo_rules_stage
from onevisit.demo.staff import DEMO_PASSWORD
from onevisit.demo.towns import demo_towns_load
from onevisit.demo.verdict import demo_verdict_load
from onevisit.ops.demo_history import demo_history_load
from onevisit.ops.demo_hotline import demo_hotline_load
from onevisit.ops.demo_setup import demo_approve_all, demo_file, demo_world_load


class Command(BaseCommand):
    help = "Load the demo catalogue, population and accounts (idempotent); print the logins."

    def handle(self, *args: Any, **options: Any) -> None:
        world = demo_world_load()
        staff = world.staff
        # Applications first: the hotline's history rolls up its days, theirs included.
        demo_history_load(population=world.population, staff=staff)
        demo_hotline_load(staff=staff)
        demo_inspection_load(staff=staff)
        demo_verdict_load(population=world.population, staff=staff, file=demo_file,
                          approve=demo_approve_all)
        demo_rules_stage(population=world.population, staff=staff)
        payments = demo_payments_load()
        demo_towns_load()
        demo_awards_load()
        self.stdout.write(self.style.SUCCESS("onevisit demo is ready.\n"))
        # The site's address as its certificates and surveys name it (ONEVISIT_PUBLIC_URL).
        base = settings.ONEVISIT["PUBLIC_URL"]
        for label, path in (
            ("search and guides (一网通办)", "/"),
            ("apply online, my applications (citizen)", "/me/"),
            ("hall console: window intake (clerk)", "/hall/intake/"),
            ("hall queue: kiosk, display, windows", "/hall/"),
            ("the four lists (四张清单)", "/lists/"),
            ("certificate verification", "/verify/"),
            ("seal CA certificate (offline checks)", "/pki/ca.pem"),
            ("review workbench (reviewers)", "/workbench/"),
            ("12345 hotline console (agent, dispatcher)", "/hotline/"),
            ("12345 department tickets (reviewers)", "/hotline/department/"),
            ("alert inbox, supervision rules (supervisor)", "/dashboard/alerts/"),
            ("supervision scorecard (supervisor)", "/dashboard/scorecard/"),
            ("citizens' verdict, surveys (supervisor)", "/dashboard/verdict/"),
            ("credit objections and repairs (supervisor)", "/dashboard/credit/"),
            ("my credit records (citizen)", "/me/credit/"),
            ("pay taxes and fees, receipts (citizen)", "/me/"),
            ("payments, reconciliation (supervisor)", "/dashboard/payments/"),
            ("多证合一 records, joint reviews (reviewers)", "/workbench/registrations/"),
            ("joint random inspections (staff)", "/workbench/inspections/"),
            ("inspections made public (双随机一公开)", "/inspections/"),
            ("rectification rates, suggestions (public)", "/verdict/"),
            ("特色小镇: towns, results, ledger (public)", "/towns/"),
            ("特色小镇: declare, report, assess (towns staff)", "/workbench/towns/"),
            ("innovation-case award: results, notice (public)", "/awards/"),
            ("award calls, expert review (organisers, experts)", "/workbench/awards/"),
            ("reform dashboard (supervisor)", "/dashboard/"),
            ("standardisation report (city-supervisor)", "/dashboard/standards/"),
            ("JSON API (OpenAPI)", "/api/docs"),
            ("catalogue editors (admin)", "/admin/"),
        ):
            self.stdout.write(f"  {label:40} {base}{path}")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        rows = [
            ("admin", "事项管理员 / catalogue editor (admin site)"),
            ("clerk", "综合受理窗口 / window clerk"),
            ("supervisor", "电子监察 / supervisor (西湖区)"),
            ("city-supervisor", "杭州市电子监察 / city supervisor: every county of 杭州市"),
            ("courier", "寄递服务 / courier"),
            ("agent", "12345 话务员 / hotline agent"),
            ("dispatcher", "12345 派单员 / hotline dispatcher"),
            ("citizen", f"申请人 / citizen {staff.citizen.first_name}"
                        + "".join(f"，可代 {a.subject_name} 办理（{a.get_basis_display()}）"
                                  for a in staff.citizen.authorisations.all())),
            ("towns-office", "特色小镇联席办 / the towns programme's joint-meeting office"),
            ("towns-xihu, towns-yuhang, …", "区县特色小镇工作人员 / a county's towns officer"),
            ("awards-office", "案例评选办公室 / the award's organisers"),
            ("expert-01 … expert-14", "评审专家 / experts (第五届: expert-01 has sheets to fill)"),
            ("unit-jinhua", "申报单位（中共金华市委） / a unit submitting cases"),
            *[(user.username, user.first_name) for user in staff.reviewers.values()],
            *[(user.username, user.first_name) for user in staff.leads.values()],
        ]
        for username, role in rows:
            self.stdout.write(f"  {username:30} {role}")
        self.stdout.write(f"\nPayments: the {payments['provider']} gateway (a test gateway: it "
                          f"takes no money) notifies {payments['notify_url']}; its key is "
                          f"{payments['key_file']}")
        self.stdout.write("\nAPI clients use a bearer token: onevisit token create citizen "
                          "(see docs/api.md)")
