"""Pages of a programme. Thin: scope lookup → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import can, require
from accounts.selectors import (
    agency_get_for_user,
    agency_list_for_user,
    programme_get_for_user,
    programme_list_for_user,
    user_city,
    visible_agency_ids,
)
from indicators.models import Indicator
from ipcity.core.search import search_param
from tasks.models import Task, TaskAssignment
from tasks.services import task_save

from . import forms
from .filters import AgencyFilter, ProgrammeFilter
from .models import (
    AgencyDuty,
    FundingBudget,
    FundingExpense,
    FundingRule,
    Goal,
    LeadingGroupMember,
    Phase,
)
from .selectors import agency_task_matrix, funding_summary, programme_list_rows, tasks_by_section
from .services import plan_object_save, programme_update

PAGE_SIZE = 20


def _programme_context(request, programme, tab):
    return {
        "programme": programme,
        "tab": tab,
        "can_edit": can(request.user, "programme.edit", programme),
    }


@login_required
def programme_list(request):
    qs = programme_list_rows(programme_list_for_user(user=request.user)).order_by(
        "city__name", "-period_start"
    )
    filterset = ProgrammeFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_create = can(request.user, "programme.create", user_city(user=request.user))
    return render(
        request,
        "programmes/programme_list.html",
        {"filter": filterset, "page": page, "can_create": can_create, "q": search_param(request)},
    )


@login_required
def programme_detail(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, "overview")
    leading = programme.leading_group.select_related("agency")
    context.update(
        goals=programme.goals.all(),
        phases=programme.phases.all(),
        leading_group=leading,
        office=[m for m in leading if m.role == LeadingGroupMember.Role.OFFICE],
        counts={
            "tasks": programme.tasks.count(),
            "indicators": programme.indicators.count(),
            "agencies": TaskAssignment.objects.filter(task__programme=programme)
            .values("agency")
            .distinct()
            .count(),
        },
        duties=programme.duties.select_related("agency").prefetch_related("tasks"),
    )
    return render(request, "programmes/programme_overview.html", context)


@login_required
def programme_indicators(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, "indicators")
    q = search_param(request)
    indicators = programme.indicators.all()
    if q:
        indicators = indicators.filter(Q(name__icontains=q) | Q(source_sentence__icontains=q))
    context.update(indicators=indicators, q=q)
    return render(request, "programmes/programme_indicators.html", context)


@login_required
def programme_tasks(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, "tasks")
    context["sections"] = tasks_by_section(programme=programme)
    return render(request, "programmes/programme_tasks.html", context)


@login_required
def programme_matrix(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, "matrix")
    context["matrix"] = agency_task_matrix(
        programme=programme, agency_ids=visible_agency_ids(user=request.user, programme=programme)
    )
    return render(request, "programmes/programme_matrix.html", context)


@login_required
def programme_funding(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    context = _programme_context(request, programme, "funding")
    expenses = programme.expenses.select_related("task", "agency")
    context.update(
        summary=funding_summary(programme=programme),
        budgets=programme.budgets.all(),
        page=Paginator(expenses, PAGE_SIZE).get_page(request.GET.get("page")),
    )
    return render(request, "programmes/programme_funding.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    from .services import programme_create as create

    city = user_city(user=request.user)
    denied = _("只有领导小组办公室可以新建方案。")
    if city is None:  # a programme belongs to a city: a superuser imports or uses the admin
        raise PermissionDenied(denied)
    require(request.user, "programme.create", city, denied)
    form = forms.ProgrammeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        programme = create(city=city, user=request.user, values=form.cleaned_data)
        messages.success(request, _("方案已创建,请继续录入目标、指标和任务。"))
        return redirect(programme)
    return render(request, "programmes/form.html", {"form": form, "title": _("新建方案")})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    form = forms.ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        programme_update(programme=programme, user=request.user, values=form.cleaned_data)
        messages.success(request, _("方案基本信息已保存。"))
        return redirect(programme)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "programme": programme, "title": _("编辑方案基本信息")},
    )


# --- plan objects: one mechanism for goals, phases, indicators, tasks, members, funding ---

PLAN_OBJECTS = {
    "goal": (Goal, forms.GoalForm, "overview", _("工作目标")),
    "phase": (Phase, forms.PhaseForm, "overview", _("实施阶段")),
    "member": (LeadingGroupMember, forms.LeadingGroupMemberForm, "overview", _("领导小组成员")),
    "duty": (AgencyDuty, forms.AgencyDutyForm, "overview", _("成员单位职责")),
    "indicator": (Indicator, forms.IndicatorForm, "indicators", _("指标")),
    "task": (Task, forms.TaskForm, "tasks", _("工作任务")),
    "rule": (FundingRule, forms.FundingRuleForm, "funding", _("资金规则")),
    "budget": (FundingBudget, forms.FundingBudgetForm, "funding", _("年度预算")),
    "expense": (FundingExpense, forms.FundingExpenseForm, "funding", _("资金使用台账")),
}
TAB_URLS = {
    "overview": "programmes:programme_detail",
    "indicators": "programmes:programme_indicators",
    "tasks": "programmes:programme_tasks",
    "funding": "programmes:programme_funding",
}


def _plan_object(kind):
    if kind not in PLAN_OBJECTS:
        raise Http404
    return PLAN_OBJECTS[kind]


@login_required
@require_http_methods(["GET", "POST"])
def plan_object_edit(request, slug, kind, pk=None):
    model, form_class, tab, label = _plan_object(kind)
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    instance = get_object_or_404(model, pk=pk, programme=programme) if pk else None
    form = form_class(request.POST or None, instance=instance, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            obj = form.save(commit=False)
            if kind == "task":
                task_save(
                    task=obj,
                    lead=list(form.cleaned_data["lead"]),
                    support=list(form.cleaned_data["support"]),
                    user=request.user,
                )
            else:
                if kind == "expense" and obj.recorded_by_id is None:
                    obj.recorded_by = request.user
                plan_object_save(obj=obj, programme=programme, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(label)s已保存。") % {"label": label})
            jobs = getattr(obj, "follow_up_jobs", None)
            if jobs:  # a changed indicator definition: show its recompute running, then the new status
                messages.info(request, _("指标设定已修改,正在重新计算。"))
                return redirect("indicators:recompute_status", slug=programme.slug, job_id=jobs[0].pk)
            return redirect(reverse(TAB_URLS[tab], args=[programme.slug]))
    title = (_("编辑%(label)s") if instance else _("新增%(label)s")) % {"label": label}
    return render(
        request, "programmes/form.html", {"form": form, "programme": programme, "title": title, "tab": tab}
    )


# --- agencies ----------------------------------------------------------------------------


@login_required
def agency_list(request):
    qs = (
        agency_list_for_user(user=request.user)
        .annotate(
            lead_count=Count("assignments", filter=Q(assignments__role="lead")),
            support_count=Count("assignments", filter=Q(assignments__role="support")),
        )
        .prefetch_related("aliases")
        .order_by("city__name", "name")
    )
    filterset = AgencyFilter(request.GET, queryset=qs)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_add = can(request.user, "agency.create", user_city(user=request.user))
    return render(
        request,
        "programmes/agency_list.html",
        {"filter": filterset, "page": page, "can_add": can_add, "q": search_param(request)},
    )


@login_required
def agency_detail(request, pk):
    agency = agency_get_for_user(user=request.user, pk=pk)
    visible = programme_list_for_user(user=request.user)
    assignments = (
        TaskAssignment.objects.filter(agency=agency, task__programme__in=visible)
        .select_related("task__programme__city")
        .order_by("task__programme__slug", "task__order")
    )
    lead = [a for a in assignments if a.role == "lead"]
    support = [a for a in assignments if a.role == "support"]
    can_edit = can(request.user, "agency.edit", agency)
    return render(
        request,
        "programmes/agency_detail.html",
        {
            "agency": agency,
            "lead": lead,
            "support": support,
            "can_edit": can_edit,
            "statistics": agency.statistics_owned.filter(programme__in=visible).select_related(
                "statistic", "programme"
            ),
            "aliases": list(agency.aliases.all()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk=None):
    from .services import agency_save

    denied = _("只有本市领导小组办公室可以维护成员单位。")
    if pk:
        agency = agency_get_for_user(user=request.user, pk=pk)
        city = agency.city
        require(request.user, "agency.edit", agency, denied)
    else:
        agency = None
        city = user_city(user=request.user)
        if city is None:  # a superuser adds agencies in the admin, where the city is chosen
            raise PermissionDenied(denied)
        require(request.user, "agency.create", city, denied)
    form = forms.AgencyForm(request.POST or None, instance=agency, city=city)
    if request.method == "POST" and form.is_valid():
        saved = agency_save(
            agency=form.save(commit=False), aliases=form.cleaned_data["aliases_text"], user=request.user
        )
        messages.success(request, _("成员单位已保存。"))
        return redirect(saved)
    return render(
        request,
        "programmes/form.html",
        {"form": form, "title": _("编辑成员单位") if agency else _("新增成员单位")},
    )
