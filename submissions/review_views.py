"""审核待办: the filtered queue, bulk approval after a confirmation, and the way from one
reviewed item to the next of the same filtered queue (the filter rides in the URL)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.permissions import require

from . import selectors, services
from .filters import ReviewQueueFilter
from .models import Submission

PAGE_SIZE = 50


def _queue_filter(request, data=None) -> ReviewQueueFilter:
    return ReviewQueueFilter(
        data if data is not None else request.GET,
        queryset=selectors.review_list_for_user(user=request.user),
        user=request.user,
    )


def queue_query(request) -> str | None:
    """The review filter an item page was opened with (None: not opened from the queue)."""
    if not any(key in request.GET for key in ReviewQueueFilter.base_filters):
        return None
    return _queue_filter(request).querystring()


def next_in_queue_url(request, *, item: Submission, query: str) -> str:
    """After approving or returning `item`: the next item of the same filtered queue (with the
    filter in its URL), or the queue itself when none is left."""
    queue = _queue_filter(request, QueryDict(query))
    following = selectors.review_next(queue=queue.qs, after=item) if queue.is_valid() else None
    suffix = f"?{queue.querystring()}" if queue.is_valid() else ""
    if following is None:
        return reverse("submissions:review_queue") + suffix
    return following.get_absolute_url() + suffix


@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request):
    require(request.user, "review.queue", message=_("只有领导小组办公室可以审核填报。"))
    queue = _queue_filter(request)
    query = queue.querystring()
    if request.method == "POST":
        return _bulk_approve(request, query)
    # A filter value that is not valid (an agency outside the scope …) lists nothing, said why.
    items = queue.qs if queue.is_valid() else queue.queryset.none()
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "submissions/review_queue.html",
        {"page": page, "filter": queue, "query": query, "approvable": queue.data.get("state") == "submitted"},
    )


def _bulk_approve(request, query: str):
    """First POST: a page listing what would be approved; only its confirming POST approves
    exactly the items listed there."""
    ids = [int(pk) for pk in request.POST.getlist("ids") if pk.isdigit()]
    chosen = list(selectors.review_queue_for_user(user=request.user).filter(pk__in=ids))
    back = reverse("submissions:review_queue") + (f"?{query}" if query else "")
    if not chosen:
        messages.error(request, _("请至少选择一项。"))
        return redirect(back)
    if request.POST.get("confirmed") != "1":
        return render(
            request, "submissions/review_confirm.html", {"items": chosen, "query": query, "back": back}
        )
    try:
        count = services.submissions_approve(submissions=chosen, user=request.user)
    except ValidationError as exc:
        messages.error(request, ";".join(str(m) for m in exc.messages))
    else:
        messages.success(request, _("已审核通过 %(n)s 项。") % {"n": count})
    return redirect(back)
