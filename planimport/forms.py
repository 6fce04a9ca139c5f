"""Forms of the plan-import pages: the upload/paste form and one form per kind of item.

Item forms turn fields into the canonical JSON values of docs/seed-format.md (numbers as
numbers, agency lists as lists); every message is Chinese and shown at its field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programmes.canonical import AREAS, COMPARATORS, INDICATOR_KINDS, ROLES
from programmes.forms import NUMBER_ERRORS, BootstrapMixin
from programmes.models import Agency, City

from .parsing import MAX_BYTES
from .selectors import KIND_LABEL, PROGRAMME_KIND_LABEL

MONTH = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("请按 YYYY-MM 填写年月,例如 2016-02。"))
DEADLINE = RegexValidator(r"^\d{4}(-(0[1-9]|1[0-2]))?$", _("请按 YYYY 或 YYYY-MM 填写,例如 2020。"))
DATE = RegexValidator(
    r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$", _("请按 YYYY、YYYY-MM 或 YYYY-MM-DD 填写。")
)
SLUG = RegexValidator(r"^[a-z0-9]+(-[a-z0-9]+)*$", _("只能用小写字母、数字和连字符,如 harbin-2016-import。"))


def _lines(value: str) -> list[str]:
    out = []
    for line in (value or "").splitlines():
        line = line.strip()
        if line and line not in out:
            out.append(line)
    return out


def _json_number(value: Decimal | None):
    if value is None:
        return None
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


class ImportStartForm(BootstrapMixin, forms.Form):
    """Upload a file or paste the text; optionally name the programme's slug."""

    file = forms.FileField(
        label=_("方案文件"),
        required=False,
        allow_empty_file=True,  # the importer's own message says what is wrong with it
        help_text=_("纯文本(UTF-8、GBK/GB18030、UTF-16)、Word(.docx)或带文字层的 PDF,不超过 20 MB。"),
    )
    text = forms.CharField(
        label=_("或粘贴方案全文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "placeholder": _("从政府网站复制方案全文,粘贴到这里")}),
    )
    slug = forms.CharField(
        label=_("方案标识"),
        required=False,
        max_length=60,
        validators=[SLUG],
        help_text=_("用于网址和导出,如 harbin-2016;留空则按原文推定,可在核对页修改。"),
    )
    city = forms.ModelChoiceField(
        label=_("城市"), queryset=City.objects.none(), required=False, help_text=_("系统管理员导入时选择。")
    )

    def __init__(self, *args, city_choice: bool = False, with_slug: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if city_choice:
            self.fields["city"].queryset = City.objects.order_by("name")
            self.fields["city"].required = True
        else:
            del self.fields["city"]
        if not with_slug:
            del self.fields["slug"]

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        if upload and text.strip():
            raise ValidationError(_("请只上传文件或只粘贴文字,二者选一。"))
        if not upload and not text.strip():
            raise ValidationError(_("请上传方案文件,或粘贴方案全文。"))
        return cleaned

    def file_bytes(self) -> tuple[bytes, str] | None:
        """The upload's bytes (at most one byte past the limit: the reader then refuses it)."""
        upload = self.cleaned_data.get("file")
        if not upload:
            return None
        if upload.size > MAX_BYTES:
            return b"\0" * (MAX_BYTES + 1), upload.name
        return upload.read(), upload.name


class BasicsForm(BootstrapMixin, forms.Form):
    slug = forms.CharField(label=_("方案标识"), max_length=60, validators=[SLUG])
    title = forms.CharField(label=_("方案名称"), max_length=300)
    kind = forms.ChoiceField(label=_("类型"), choices=list(PROGRAMME_KIND_LABEL.items()))
    doc_number = forms.CharField(label=_("文号"), max_length=100, required=False)
    issuer = forms.CharField(label=_("发文机关"), max_length=100, required=False)
    issue_date = forms.CharField(label=_("印发日期"), max_length=10, required=False, validators=[DATE])
    period_start = forms.CharField(
        label=_("起始年月"),
        max_length=7,
        validators=[MONTH],
        widget=forms.TextInput(attrs={"placeholder": "2016-01"}),
    )
    period_end = forms.CharField(
        label=_("截止年月"),
        max_length=7,
        validators=[MONTH],
        widget=forms.TextInput(attrs={"placeholder": "2018-12"}),
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, slug_editable: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not slug_editable:
            del self.fields["slug"]

    @classmethod
    def initial_from(cls, review: dict) -> dict:
        period = review.get("period") or {}
        return {
            "slug": review.get("slug"),
            "title": review.get("title"),
            "kind": review.get("kind"),
            "doc_number": review.get("doc_number"),
            "issuer": review.get("issuer"),
            "issue_date": review.get("issue_date"),
            "period_start": period.get("start"),
            "period_end": period.get("end"),
            "notes": review.get("notes"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("截止年月不能早于起始年月。"))
        return cleaned

    def values(self) -> dict:
        c = self.cleaned_data
        values = {
            "title": c["title"].strip(),
            "kind": c["kind"],
            "doc_number": c["doc_number"].strip() or None,
            "issuer": c["issuer"].strip(),
            "issue_date": c["issue_date"].strip() or None,
            "period": {"start": c["period_start"], "end": c["period_end"]},
            "notes": c["notes"],
        }
        if "slug" in c:
            values["slug"] = c["slug"]
        return values


class ItemForm(BootstrapMixin, forms.Form):
    """A form for one item of the review JSON: ``initial_from`` reads it, ``values`` writes it."""

    list_fields: tuple[str, ...] = ()

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        initial = {}
        for name in cls.base_fields:
            value = item.get(name)
            if name in cls.list_fields:
                value = "\n".join(value or [])
            initial[name] = value
        return initial

    def values(self) -> dict:
        out = {}
        for name, value in self.cleaned_data.items():
            if name in self.list_fields:
                value = _lines(value)
            elif (
                isinstance(value, Decimal)
                or value is None
                and isinstance(self.fields[name], forms.DecimalField)
            ):
                value = _json_number(value)
            elif isinstance(value, str):
                value = value.strip()
            out[name] = value
        return out


class TaskItemForm(ItemForm):
    list_fields = ("lead", "support")

    number = forms.CharField(
        label=_("编号"), max_length=20, help_text=_("如 二.3;无分部分时只写条目号,如 3。")
    )
    section = forms.CharField(label=_("所属部分"), max_length=300, required=False)
    title = forms.CharField(label=_("任务名称"), max_length=500)
    text = forms.CharField(label=_("任务内容"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    lead = forms.CharField(
        label=_("牵头单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一个单位,按原文名称填写。"),
    )
    support = forms.CharField(
        label=_("配合单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个单位。"),
    )

    def clean(self):
        cleaned = super().clean()
        both = set(_lines(cleaned.get("lead", ""))) & set(_lines(cleaned.get("support", "")))
        if both:
            self.add_error(
                "support", _("%(names)s 已是牵头单位,不能同时作为配合单位。") % {"names": "、".join(both)}
            )
        return cleaned

    def values(self) -> dict:
        values = super().values()
        values["section"] = values["section"] or None
        return values


def _choices(values, labels=None):
    return [(v, (labels or {}).get(v, v)) for v in sorted(values)]


class IndicatorItemForm(ItemForm):
    name = forms.CharField(label=_("指标名称"), max_length=300)
    area = forms.ChoiceField(label=_("领域"), choices=_choices(AREAS))
    kind = forms.ChoiceField(label=_("指标类型"), choices=_choices(INDICATOR_KINDS, KIND_LABEL))
    comparator = forms.ChoiceField(
        label=_("比较方式"),
        choices=[
            (">=", _("不低于 ≥")),
            (">", _("超过 >")),
            ("<=", _("不高于 ≤")),
            ("=", _("等于 =")),
            ("range", _("区间")),
        ],
    )
    target = forms.DecimalField(
        label=_("目标值"), error_messages=NUMBER_ERRORS, min_value=0, max_digits=20, decimal_places=4
    )
    target_max = forms.DecimalField(
        label=_("目标上限"),
        required=False,
        error_messages=NUMBER_ERRORS,
        max_digits=20,
        decimal_places=4,
        help_text=_("仅区间指标填写,如“20—30家”的 30。"),
    )
    unit = forms.CharField(label=pgettext_lazy("unit", "单位"), max_length=20)
    deadline = forms.CharField(label=_("完成时限"), max_length=7, validators=[DEADLINE])
    formula = forms.CharField(label=_("计算公式"), max_length=500, required=False)
    source_sentence = forms.CharField(
        label=_("原文依据"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("target"), cleaned.get("target_max")
        if low is not None and high is not None and high < low:
            self.add_error("target_max", _("区间的上限不能小于下限。"))
        if (cleaned.get("kind") == "range" or cleaned.get("comparator") == "range") and high is None:
            self.add_error("target_max", _("区间指标需要填写目标上限。"))
        return cleaned

    def values(self) -> dict:
        values = super().values()
        values["formula"] = values.get("formula") or None
        return values


assert set(dict(IndicatorItemForm.base_fields["comparator"].choices)) == COMPARATORS


class PhaseItemForm(ItemForm):
    name = forms.CharField(label=_("阶段名称"), max_length=200)
    start = forms.CharField(label=_("开始年月"), max_length=7, validators=[MONTH])
    end = forms.CharField(label=_("结束年月"), max_length=7, validators=[MONTH])
    milestone = forms.ChoiceField(
        label=_("节点"),
        required=False,
        choices=[("", _("无")), ("midterm", _("中期评价")), ("acceptance", _("总结验收"))],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", _("结束年月不能早于开始年月。"))
        return cleaned

    def values(self) -> dict:
        values = super().values()
        values["milestone"] = values.get("milestone") or None
        return values


class MemberItemForm(ItemForm):
    role = forms.ChoiceField(label=_("职务"), choices=[(r, r) for r in ["组长", "副组长", "成员", "办公室"]])
    agency = forms.CharField(label=_("单位(按原文)"), max_length=200)
    person = forms.CharField(label=_("姓名"), max_length=50, required=False)
    title = forms.CharField(label=_("职务名称"), max_length=200, required=False)

    def values(self) -> dict:
        values = super().values()
        values["person"] = values.get("person") or None
        values["title"] = values.get("title") or None
        return values


assert {r for r, _label in MemberItemForm.base_fields["role"].choices} == ROLES


class AgencyItemForm(ItemForm):
    """An agency group: its fullest name, other printed names, and what it becomes."""

    list_fields = ("aliases",)

    name = forms.CharField(label=_("单位名称(全称)"), max_length=200)
    aliases = forms.CharField(
        label=_("其他写法(别名)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个。"),
    )
    collective = forms.BooleanField(label=_("集合单位(如“各区人民政府”)"), required=False)
    match = forms.ChoiceField(label=_("确认时"), choices=[])

    def __init__(self, *args, city: City, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("auto", _("自动:按名称和别名匹配现有单位,没有则新增")), ("new", _("新增为本市的新单位"))]
        for agency in Agency.objects.filter(city=city).order_by("name"):
            choices.append((str(agency.pk), _("并入现有单位:%(name)s") % {"name": agency.name}))
        self.fields["match"].choices = choices

    @classmethod
    def initial_from(cls, item: dict) -> dict:
        initial = super().initial_from(item)
        initial["match"] = str(item.get("match") or "auto")
        return initial

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("name") or "").strip()
        if name and name in _lines(cleaned.get("aliases", "")):
            self.add_error("aliases", _("别名不能与全称相同。"))
        return cleaned


ITEM_FORMS = {
    "task": TaskItemForm,
    "indicator": IndicatorItemForm,
    "phase": PhaseItemForm,
    "member": MemberItemForm,
    "agency": AgencyItemForm,
}
ITEM_LABELS = {
    "task": _("任务"),
    "indicator": _("指标"),
    "phase": _("实施阶段"),
    "member": _("领导小组成员"),
    "agency": pgettext_lazy("agency", "单位"),
    "goal": _("工作目标"),
    "duty": _("成员单位职责"),
    "rule": _("资金规则"),
}
