"""Errors a report generation reports to the user (in Chinese, shown in the job's row)."""

from django.utils.translation import gettext_lazy as _


class ReportError(Exception):
    """A report cannot be generated; the message says why and what to do."""

    default_message = _("报告生成失败。")

    def __init__(self, message=None):
        super().__init__(str(message or self.default_message))


class CJKFontMissing(ReportError):
    default_message = _(
        "无法生成报告:系统中没有可用的中文字体(fontconfig 找不到简体中文字体),"
        "生成的 PDF 会把汉字显示为方框。请安装 fonts-noto-cjk(make system-deps,见 README)后重试。"
    )


class ReportNotReady(ReportError):
    """A final (定稿) report refused: `problems` says what is missing, one line each."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(_("不能定稿:") + ";".join(str(p) for p in self.problems))
