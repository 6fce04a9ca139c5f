"""Pages of the plan importer (issue 3): upload or paste a plan, review and edit what was
read beside the source text, confirm into a programme; re-import a revised plan as a diff.

Thin: scope lookup → form → service (planimport.services) → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import programme_get_for_user, require_edit_programme
from programmes.canonical import CanonicalValidationError

from . import forms
from .models import PlanImportDraft
from .parsing import PlanImportError
from .parsing.reader import encoding_label
from .review import ITEM_LISTS, errors_by_item, item_find
from .selectors import draft_get_for_user, draft_list_for_user, import_city_for_user, review_context
from .services import (
    document_read,
    plan_draft_basics_save,
    plan_draft_confirm,
    plan_draft_create,
    plan_draft_discard,
    plan_draft_item_delete,
    plan_draft_item_save,
)

FORMAT_LABEL = {"txt": _("纯文本"), "docx": "Word (.docx)", "pdf": "PDF", "paste": _("粘贴文本")}


def _start_draft(request, form, *, city, target_programme=None):
    """Read the upload or the pasted text into a draft; a PlanImportError goes to the form."""
    upload = form.file_bytes()
    try:
        if upload is not None:
            document = document_read(data=upload[0], filename=upload[1])
        else:
            document = document_read(text=form.cleaned_data["text"])
        return plan_draft_create(
            user=request.user,
            city=city,
            document=document,
            slug=form.cleaned_data.get("slug") or None,
            target_programme=target_programme,
        )
    except PlanImportError as exc:
        form.add_error("file" if upload is not None else "text", exc.message_zh)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    city = import_city_for_user(user=request.user)
    form = forms.ImportStartForm(request.POST or None, request.FILES or None, city_choice=city is None)
    if request.method == "POST" and form.is_valid():
        draft = _start_draft(request, form, city=city or form.cleaned_data["city"])
        if draft is not None:
            messages.success(request, _("已读取方案,请逐项核对识别结果后确认。"))
            return redirect(draft)
    drafts = draft_list_for_user(user=request.user).filter(status=PlanImportDraft.Status.OPEN)[:20]
    return render(request, "planimport/start.html", {"form": form, "drafts": drafts, "city": city})


@login_required
@require_http_methods(["GET", "POST"])
def programme_reimport(request, slug):
    programme = programme_get_for_user(user=request.user, slug=slug)
    require_edit_programme(user=request.user, programme=programme)
    form = forms.ImportStartForm(request.POST or None, request.FILES or None, with_slug=False)
    if request.method == "POST" and form.is_valid():
        draft = _start_draft(request, form, city=programme.city, target_programme=programme)
        if draft is not None:
            messages.success(request, _("已读取修订稿,请核对与现有方案的差异,勾选要采纳的修改。"))
            return redirect(draft)
    return render(
        request,
        "planimport/start.html",
        {"form": form, "programme": programme, "drafts": programme.import_drafts.filter(status="open")},
    )


def _review_page(request, draft, *, errors=None, status=200):
    context = review_context(draft=draft)
    if errors is not None:  # from a failed confirm: shown at the items
        for row_list in ("indicators", "tasks", "phases", "members", "agencies", "goals", "duties", "rules"):
            for row in context[row_list]:
                row["errors"] = errors.get(row["id"], row["errors"])
        context["basics_errors"] = errors.get("basics", context["basics_errors"])
        context["general_errors"] = errors.get("general", [])
        context["error_count"] = sum(len(v) for v in errors.values())
    context.update(
        draft=draft,
        programme=draft.target_programme,
        format_label=FORMAT_LABEL.get(draft.file_format, draft.file_format),
        encoding=encoding_label(draft.encoding) if draft.encoding else "",
        accepted=set(request.POST.getlist("accept")) if request.method == "POST" else None,
        editable_kinds=list(forms.ITEM_FORMS),
    )
    return render(request, "planimport/review.html", context, status=status)


@login_required
def import_review(request, pk):
    draft = draft_get_for_user(user=request.user, pk=pk)
    return _review_page(request, draft)


def _item_kind(kind):
    if kind != "basics" and kind not in forms.ITEM_FORMS:
        raise Http404
    return kind


@login_required
@require_http_methods(["GET", "POST"])
def import_item_edit(request, pk, kind, item_id=None):
    """Edit one item (or basics), or add one (no ``item_id``). Under htmx the form and the
    saved result are fragments of the review page; without it, whole pages."""
    draft = draft_get_for_user(user=request.user, pk=pk)
    kind = _item_kind(kind)
    back = reverse("planimport:review", args=[draft.pk])
    if not draft.is_open:
        messages.error(request, _("该导入草稿已%(s)s,不能再修改。") % {"s": draft.get_status_display()})
        return redirect(back)
    item = None
    if kind == "basics":
        form_class, label = forms.BasicsForm, _("基本信息")
        initial = forms.BasicsForm.initial_from(draft.review)
        extra = {"slug_editable": draft.target_programme_id is None}
    else:
        form_class, label = forms.ITEM_FORMS[kind], forms.ITEM_LABELS[kind]
        extra = {"city": draft.city} if kind == "agency" else {}
        if item_id is not None:
            _index, item = item_find(draft.review, ITEM_LISTS[kind], item_id)
            if item is None:
                raise Http404(_("没有找到该条目,可能已被删除。"))
            initial = form_class.initial_from(item)
        else:
            initial = {}
    form = form_class(request.POST or None, initial=initial, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            if kind == "basics":
                plan_draft_basics_save(draft=draft, values=form.values(), user=request.user)
                anchor = "basics"
            else:
                saved = plan_draft_item_save(
                    draft=draft, kind=kind, item_id=item_id, values=form.values(), user=request.user
                )
                anchor = saved["_id"]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(label)s已保存。") % {"label": label})
            # Back to the review page at the item (a query string so that htmx reloads it:
            # counts, flags and agency matches change with the edit).
            target = f"{back}?saved={anchor}#item-{anchor}"
            response = redirect(target)
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
            return response
    title = (_("编辑%(label)s") if item_id or kind == "basics" else _("新增%(label)s")) % {"label": label}
    return render(
        request,
        "planimport/item_fields.html" if request.htmx else "planimport/item_form.html",
        {
            "form": form,
            "draft": draft,
            "title": title,
            "kind": kind,
            "item": item,
            "partial": bool(request.htmx),
            "back": back + (f"#item-{item_id}" if item_id else ""),
        },
    )


@login_required
@require_POST
def import_item_delete(request, pk, kind, item_id):
    draft = draft_get_for_user(user=request.user, pk=pk)
    if kind not in ITEM_LISTS:
        raise Http404
    try:
        item = plan_draft_item_delete(draft=draft, kind=kind, item_id=item_id, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        what = item.get("title") or item.get("name") or item.get("agency") or item.get("number") or ""
        messages.success(
            request, _("已删除%(label)s“%(what)s”。") % {"label": forms.ITEM_LABELS[kind], "what": what}
        )
    return redirect(reverse("planimport:review", args=[draft.pk]) + f"#list-{kind}")


@login_required
@require_POST
def import_confirm(request, pk):
    draft = draft_get_for_user(user=request.user, pk=pk)
    if not draft.is_open:
        messages.error(request, _("该导入草稿已%(s)s。") % {"s": draft.get_status_display()})
        return redirect(draft.programme or draft)
    accepted = set(request.POST.getlist("accept"))
    try:
        result = plan_draft_confirm(
            draft=draft,
            user=request.user,
            accepted=accepted,
            create_agencies=request.POST.get("create_agencies") == "1",
        )
    except CanonicalValidationError as exc:
        messages.error(
            request, _("有 %(n)s 处需要修改,已在对应条目下标出;方案尚未创建。") % {"n": len(exc.errors)}
        )
        return _review_page(request, draft, errors=errors_by_item(exc.errors, draft.review), status=400)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(draft)
    for message in result.kept:
        messages.warning(request, message)
    if draft.target_programme_id:
        messages.success(request, _("已按修订稿更新方案,采纳了 %(n)s 处修改。") % {"n": result.applied})
    else:
        messages.success(request, _("方案已创建(状态:草稿)。请继续完善后将状态改为“实施中”。"))
    return redirect(result.programme)


@login_required
@require_POST
def import_discard(request, pk):
    draft = draft_get_for_user(user=request.user, pk=pk)
    try:
        plan_draft_discard(draft=draft, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(draft)
    messages.info(request, _("已放弃该导入草稿。"))
    if draft.target_programme_id:
        return redirect(draft.target_programme)
    return redirect("planimport:start")
