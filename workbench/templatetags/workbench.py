"""`{% load workbench %}{% pending_reviews as n %}`: the count on the nav's 审核待办."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def pending_reviews(context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    from accounts.permissions import can
    from submissions.selectors import review_queue_for_user

    if not can(user, "review.queue"):
        return 0
    return review_queue_for_user(user=user).count()
