"""The topology test's data, made in its own database by `python -m tests.topology.seed`
(in demo mode, for the demo's catalogue and accounts): prints, as JSON, what the load's
clients need — API tokens and filing bodies."""

from __future__ import annotations

import json
import sys
from random import Random

import django


def main() -> None:
    django.setup()
    from onevisit.accounts.models import Role, User
    from onevisit.accounts.services import api_token_create
    from onevisit.applications.services import subject_resolve
    from onevisit.demo.forms import FormFiller, api_filing
    from onevisit.ops.demo_setup import demo_world_load

    world = demo_world_load(people=300, companies=20)
    filler = FormFiller(world.population, Random(18))
    flats = subject_resolve(life_event_code="second-hand-housing")
    shops = subject_resolve(item_code=SHOP)
    filers = []
    for index in range(8):
        subject, code = ((flats, {"life_event_code": "second-hand-housing"}) if index % 2
                         else (shops, {"item_code": SHOP}))
        filer = filler.filer_for(fields=subject.fields, materials=subject.materials)
        user, _ = User.objects.update_or_create(
            username=f"topology-{index}",
            defaults={"role": Role.CITIZEN, "id_number": filer.id_number,
                      "first_name": filer.name})
        filers.append({"token": api_token_create(user=user, name="topology"),
                       "body": api_filing(filler=filler, subject=subject, filer=filer,
                                          code=code)})
    reviewer = world.staff.reviewers[SHOP_DEPARTMENT]
    json.dump({
        "filers": filers,
        "reviewer": api_token_create(user=reviewer, name="topology"),
        "agent": api_token_create(user=world.staff.agent, name="topology"),
    }, sys.stdout)


# 个体工商户设立登记: one department, no charges, a sealed licence as its result — what the
# reviewers decide during the load, each approval sealing a certificate on a worker.
SHOP = "330106-SJ-002"
SHOP_DEPARTMENT = "xh-scjg"

if __name__ == "__main__":
    main()
