"""The office's pages for validation rules: list, add, edit, 停用/启用. Thin: scoped
lookup → permission (programme.edit) → form → service → message → redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import can, require
from accounts.selectors import programme_get_for_user

from .forms import ValidationRuleForm
from .models import ValidationRule
from .selectors import validation_rules_of
from .services import validation_rule_save, validation_rule_set_active, validation_rules_ensure_defaults


def _context(request, programme, **extra):
    return {
        "programme": programme,
        "tab": "reporting",
        "section": "rules",
        "can_edit": can(request.user, "programme.edit", programme),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def rule_list(request, slug):
    """The programme's rules; POST adds the default rules it lacks (office only)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    if request.method == "POST":
        require(request.user, "programme.edit", programme)
        created = validation_rules_ensure_defaults(programme=programme, user=request.user)
        messages.success(request, _("已添加默认校验规则 %(n)s 条。") % {"n": len(created)})
        return redirect("indicators:validation_rule_list", slug=programme.slug)
    context = _context(request, programme, rules=validation_rules_of(programme=programme))
    return render(request, "indicators/validation_rule_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, slug, pk=None):
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    rule = (
        get_object_or_404(ValidationRule, programme=programme, pk=pk)
        if pk
        else ValidationRule(programme=programme)
    )
    form = ValidationRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            validation_rule_save(rule=form.instance, programme=programme, user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("校验规则“%(name)s”已保存。") % {"name": rule.name})
            return redirect("indicators:validation_rule_list", slug=programme.slug)
    title = _("编辑校验规则") if pk else _("新增校验规则")
    return render(request, "programmes/form.html", _context(request, programme, form=form, title=title))


@login_required
@require_POST
def rule_active(request, slug, pk):
    """停用 / 启用 a rule (a rule is never deleted: its history stays)."""
    programme = programme_get_for_user(user=request.user, slug=slug)
    require(request.user, "programme.edit", programme)
    rule = get_object_or_404(ValidationRule, programme=programme, pk=pk)
    active = not rule.is_active
    validation_rule_set_active(rule=rule, user=request.user, active=active)
    messages.success(
        request,
        (_("已启用校验规则“%(name)s”。") if active else _("已停用校验规则“%(name)s”。"))
        % {"name": rule.name},
    )
    return redirect("indicators:validation_rule_list", slug=programme.slug)
