"""Delete, 停用 (archive) and 恢复 (restore) of plan objects and agencies. Thin views over
programmes.deletion: the confirm page says what holds data and offers 停用 instead."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import require
from accounts.selectors import agency_get_for_user, programme_get_for_user

from .deletion import (
    PlanObjectInUse,
    delete_or_refuse,
    holders_of,
    is_archivable,
    plan_object_archive,
    plan_object_restore,
    refusal_message,
)
from .services import plan_object_delete
from .views import TAB_URLS, _plan_object

ARCHIVE_ACTIONS = {"archive": plan_object_archive, "restore": plan_object_restore}


def _confirm(request, *, obj, label, cancel_url, archive_url, refusal=None, status=200):
    holders = holders_of(obj)
    if refusal is None and holders:
        refusal = refusal_message(obj, holders)
    return render(
        request,
        "programmes/confirm_delete.html",
        {
            "obj": obj,
            "label": label,
            "refusal": refusal,
            "can_archive": is_archivable(obj),
            "archive_url": archive_url,
            "cancel_url": cancel_url,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_object_delete_view(request, slug, kind, pk):
    model, _form, tab, label = _plan_object(kind)
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    obj = get_object_or_404(model, pk=pk, programme=programme)
    cancel_url = reverse(TAB_URLS[tab], args=[programme.slug])
    archive_url = (
        reverse("programmes:plan_object_archive", args=[programme.slug, kind, pk, "archive"])
        if is_archivable(obj)
        else None
    )
    if request.method == "POST":
        try:
            plan_object_delete(obj=obj, programme=programme, user=request.user)
        except PlanObjectInUse as exc:
            return _confirm(
                request,
                obj=obj,
                label=label,
                cancel_url=cancel_url,
                archive_url=archive_url,
                refusal=exc.messages[0],
                status=409,
            )
        messages.success(request, _("已删除%(label)s“%(obj)s”。") % {"label": label, "obj": obj})
        return redirect(cancel_url)
    return _confirm(request, obj=obj, label=label, cancel_url=cancel_url, archive_url=archive_url)


@login_required
@require_POST
def plan_object_archive_view(request, slug, kind, pk, action):
    model, _form, tab, label = _plan_object(kind)
    if action not in ARCHIVE_ACTIONS:
        raise Http404
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    obj = get_object_or_404(model, pk=pk, programme=programme)
    if not is_archivable(obj):
        raise Http404
    ARCHIVE_ACTIONS[action](obj=obj, user=request.user)
    done = _("已停用%(label)s“%(obj)s”。") if action == "archive" else _("已恢复%(label)s“%(obj)s”。")
    messages.success(request, done % {"label": label, "obj": obj})
    return redirect(reverse(TAB_URLS[tab], args=[programme.slug]))


@login_required
@require_http_methods(["GET", "POST"])
def agency_delete_view(request, pk):
    agency = agency_get_for_user(user=request.user, pk=pk)
    require(request.user, "agency.edit", agency, _("只有本市领导小组办公室可以维护成员单位。"))
    label = _("成员单位")
    cancel_url = reverse("programmes:agency_detail", args=[agency.pk])
    archive_url = reverse("programmes:agency_archive", args=[agency.pk, "archive"])
    if request.method == "POST":
        try:
            delete_or_refuse(obj=agency, user=request.user)
        except PlanObjectInUse as exc:
            return _confirm(
                request,
                obj=agency,
                label=label,
                cancel_url=cancel_url,
                archive_url=archive_url,
                refusal=exc.messages[0],
                status=409,
            )
        messages.success(request, _("已删除%(label)s“%(obj)s”。") % {"label": label, "obj": agency})
        return redirect("programmes:agency_list")
    return _confirm(request, obj=agency, label=label, cancel_url=cancel_url, archive_url=archive_url)


@login_required
@require_POST
def agency_archive_view(request, pk, action):
    if action not in ARCHIVE_ACTIONS:
        raise Http404
    agency = agency_get_for_user(user=request.user, pk=pk)
    ARCHIVE_ACTIONS[action](obj=agency, user=request.user)
    done = _("已停用成员单位“%(obj)s”。") if action == "archive" else _("已恢复成员单位“%(obj)s”。")
    messages.success(request, done % {"obj": agency})
    return redirect("programmes:agency_detail", pk=agency.pk)
