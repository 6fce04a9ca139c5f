"""Demo users and plausible demo records, labelled as demo, for `make run`.

Never used in production: `load_demo_data` refuses to run unless DEBUG is on or
`--i-know-this-is-demo` is given."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Profile
from accounts.services import user_with_role_ensure
from ipcity.core.text import first_clause

from .models import FundingBudget, FundingExpense, FundingRule, Programme
from .services import agency_resolve

DEMO_PASSWORD = "demo12345"

# (username, display name, role, city, agency printed name, programmes for evaluators)
DEMO_USERS = [
    ("office_wuhan", "王敏(武汉市知识产权局)", Profile.Role.OFFICE, "武汉市", None, None),
    ("office_harbin", "李强(哈尔滨市知识产权局)", Profile.Role.OFFICE, "哈尔滨市", None, None),
    ("office_yichang", "陈静(宜昌市知识产权局)", Profile.Role.OFFICE, "宜昌市", None, None),
    ("office_anshan", "赵磊(鞍山市知识产权局)", Profile.Role.OFFICE, "鞍山市", None, None),
    ("office_fuzhou", "林芳(福州市知识产权局)", Profile.Role.OFFICE, "福州市", None, None),
    ("reporter_wuhan_kjj", "张伟(武汉市科技局)", Profile.Role.REPORTER, "武汉市", "市科技局", None),
    ("reporter_wuhan_gsj", "刘洋(武汉市工商局)", Profile.Role.REPORTER, "武汉市", "市工商局", None),
    ("reporter_wuhan_tjj", "周丽(武汉市统计局)", Profile.Role.REPORTER, "武汉市", "市统计局", None),
    ("reporter_yichang_tjj", "孙杰(宜昌市统计局)", Profile.Role.REPORTER, "宜昌市", "市统计局", None),
    (
        "reporter_yichang_scjg",
        "吴琳(宜昌市市场监管局)",
        Profile.Role.REPORTER,
        "宜昌市",
        "市市场监管局〔知识产权局〕",
        None,
    ),
    ("evaluator", "郑教授(第三方评估)", Profile.Role.EVALUATOR, None, None, ["wuhan-2017", "yichang-2020"]),
    ("evaluator_harbin", "黄研究员(省知识产权局)", Profile.Role.EVALUATOR, None, None, ["harbin-2016"]),
]


@transaction.atomic
def demo_users_load() -> list[tuple[str, str]]:
    from .models import City

    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.is_staff = admin.is_superuser = True
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    created = [("admin", "系统管理员")]
    for username, display, role, city_name, agency_name, slugs in DEMO_USERS:
        city = City.objects.filter(name=city_name).first() if city_name else None
        agency = agency_resolve(city=city, name=agency_name) if agency_name and city else None
        if (city_name and city is None) or (agency_name and agency is None):
            continue  # its programme is not loaded
        programmes = list(Programme.objects.filter(slug__in=slugs)) if slugs else None
        user_with_role_ensure(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=display,
            city=city,
            agency=agency,
            programmes=programmes,
            email=f"{username}@example.invalid",
        )
        created.append((username, display))
    return created


def _inside(programme: Programme, year: int, month: int, day: int) -> date:
    """A date in the year, moved inside the plan's period (Fuzhou's runs 2022-09 to 2025-06)."""
    first = date(*map(int, programme.period_start.split("-")), 1)
    last_year, last_month = map(int, programme.period_end.split("-"))
    on = date(year, month, day)
    return min(max(on, first.replace(day=day)), date(last_year, last_month, day))


@transaction.atomic
def demo_funding_load() -> None:
    """Budgets and a ledger per programme, in the categories its own funding rules name and
    sized to them: each yearly minimum met with a margin, each share reached, and the
    market-based share (以市场化方式使用) marked on the largest lines; every city spends its
    own amounts (scaled by city, drawn per programme), under budget, on dated lines tied to
    the plan's tasks and their lead agencies."""
    import random

    from .funding import MARKET_BASED_CATEGORY

    scales = {"武汉市": 1.0, "哈尔滨市": 0.62, "福州市": 0.7, "宜昌市": 0.34, "鞍山市": 0.22}
    for programme in Programme.objects.select_related("city"):
        if programme.budgets.exists():
            continue
        rng = random.Random(f"funding:{programme.slug}")
        scale = Decimal(str(scales.get(programme.city.name, 0.4)))
        rules = list(programme.funding_rules.all())
        service = programme.kind == Programme.Kind.OPERATION_SERVICE
        named = [r.category for r in rules if r.category and r.category != MARKET_BASED_CATEGORY]
        defaults = (
            ["服务业集聚区建设", "运营服务平台", "知识产权金融"]
            if service
            else ["专利运用补助", "执法维权", "宣传培训"]
        )
        categories = list(dict.fromkeys(named + defaults))
        # Lines name the first tasks of the plan (the ones a ledger is usually kept for).
        tasks = list(programme.tasks.order_by("order", "pk").prefetch_related("assignments__agency")[:3])
        for i, year in enumerate(range(programme.start_year, programme.end_year + 1)):
            municipal = (Decimal(1200 + 150 * i) * scale).quantize(Decimal(1))
            FundingBudget.objects.create(programme=programme, year=year, source="municipal", amount=municipal)
            budget = municipal
            if service:
                FundingBudget.objects.create(
                    programme=programme, year=year, source="central", amount=Decimal(1500)
                )
                budget += Decimal(1500)
            total = budget * Decimal(str(round(rng.uniform(0.72, 0.92), 3)))
            # The year's money by category: what each rule needs first, the rest spread.
            amounts: dict[str, Decimal] = {}
            for rule in rules:
                margin = Decimal(str(round(rng.uniform(1.04, 1.25), 3)))
                if rule.kind == FundingRule.Kind.MIN_YEARLY_AMOUNT:
                    if rule.category:
                        amounts[rule.category] = max(amounts.get(rule.category, 0), rule.threshold * margin)
                    else:
                        total = max(total, rule.threshold * margin)
                elif rule.category and rule.category != MARKET_BASED_CATEGORY:
                    amounts[rule.category] = total * min(rule.threshold * margin, Decimal(80)) / 100
            total = max(total, sum(amounts.values(), Decimal(0)) * Decimal("1.2"))
            rest = [c for c in categories if c not in amounts] or categories
            left = total - sum(amounts.values(), Decimal(0))
            weights = [rng.uniform(0.6, 1.4) for _ in rest]
            for category, weight in zip(rest, weights, strict=True):
                amounts[category] = amounts.get(category, 0) + left * Decimal(str(weight / sum(weights)))
            lines = []
            for j, (category, amount) in enumerate(amounts.items()):
                parts = 2 if amount > 300 else 1
                for k in range(parts):
                    task = tasks[(i * 3 + j * 2 + k) % len(tasks)] if tasks else None
                    lead = (
                        next((a.agency for a in task.assignments.all() if a.role == "lead"), None)
                        if task
                        else None
                    )
                    lines.append(
                        FundingExpense(
                            programme=programme,
                            date=_inside(programme, year, 3 + 3 * k + (j % 3), 10 + 3 * j),
                            amount=(amount / parts).quantize(Decimal(1)),
                            category=category,
                            source="central" if service and j % 2 == 0 else "municipal",
                            task=task,
                            agency=lead,
                            description=f"{year}年{first_clause(task.title) if task else category}项目经费",
                        )
                    )
            market = next((r for r in rules if r.category == MARKET_BASED_CATEGORY), None)
            need = (market.threshold + 10) / 100 if market else Decimal("0.5")
            spent, marked = sum(x.amount for x in lines), Decimal(0)
            for line in sorted(lines, key=lambda x: -x.amount):
                if marked >= spent * need:
                    break
                line.market_based, marked = True, marked + line.amount
            for line in lines:
                line.save()


def demo_phases_load() -> None:
    """Phases the plans have passed marked reached (on the last day of their end month), by
    the city's office through the plan-object service, as an office records them; phases
    already marked are left alone."""
    import calendar

    from django.utils import timezone

    from .services import plan_object_save

    today = timezone.localdate()
    for programme in Programme.objects.select_related("city"):
        profile = (
            Profile.objects.filter(role=Profile.Role.OFFICE, city=programme.city)
            .select_related("user")
            .first()
        )
        if profile is None:
            continue
        for phase in programme.phases.filter(reached_on__isnull=True, is_archived=False):
            year, month = map(int, phase.end.split("-"))
            end = date(year, month, calendar.monthrange(year, month)[1])
            if end < today:
                phase.reached_on = end
                plan_object_save(obj=phase, programme=programme, user=profile.user)
