"""Demo users and plausible demo records, labelled as demo, for `make run`.

Never used in production: `load_demo_data` refuses to run unless DEBUG is on or
`--i-know-this-is-demo` is given."""

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Profile
from accounts.services import user_with_role_ensure

from .models import FundingBudget, FundingExpense, Programme
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


@transaction.atomic
def demo_funding_load() -> None:
    """Budgets and a small ledger per programme, so the funding page has something to show."""
    scales = {"武汉市": 1.0, "哈尔滨市": 0.62, "福州市": 0.7, "宜昌市": 0.34, "鞍山市": 0.22}
    for programme in Programme.objects.select_related("city"):
        if programme.budgets.exists():
            continue
        scale = Decimal(str(scales.get(programme.city.name, 0.4)))
        # The categories the programme's own funding rules name come first, so every rule
        # has money to judge; each city spends its own amounts.
        named = [c for c in programme.funding_rules.values_list("category", flat=True) if c]
        years = range(programme.start_year, programme.end_year + 1)
        for i, year in enumerate(years):
            FundingBudget.objects.create(
                programme=programme,
                year=year,
                source="municipal",
                amount=(Decimal(1200 + 150 * i) * scale).quantize(Decimal(1)),
                note="",
            )
            if programme.kind == Programme.Kind.OPERATION_SERVICE:
                FundingBudget.objects.create(
                    programme=programme, year=year, source="central", amount=Decimal(1500), note=""
                )
        tasks = list(programme.tasks.all()[:6])
        lead = None
        for i, year in enumerate(years):
            for j, task in enumerate(tasks[:3]):
                lead_assignment = task.assignments.filter(role="lead").select_related("agency").first()
                lead = lead_assignment.agency if lead_assignment else lead
                if programme.kind == Programme.Kind.OPERATION_SERVICE:
                    defaults = ["服务业集聚区建设", "运营服务平台", "知识产权金融"]
                else:
                    defaults = ["专利运用补助", "执法维权", "宣传培训"]
                categories = list(dict.fromkeys(named + defaults))
                category = categories[j % len(categories)]
                FundingExpense.objects.create(
                    programme=programme,
                    date=date(year, 3 + 3 * j, 15),
                    amount=(
                        Decimal(380 + 45 * i + 60 * j) * scale * Decimal("1.5" if j == 0 else "1")
                    ).quantize(Decimal(1)),
                    category=category,
                    market_based=(j != 1),
                    task=task,
                    agency=lead,
                    description=f"{year}年{task.title[:30]}项目经费",
                )
