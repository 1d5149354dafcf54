"""{% review_vote_card review %}: on a duty report's page, where the Review stands in the vote — when
and where its meeting is, or, once the vote has closed, a link to the stored result."""

from django import template

from shuzhi.voting.results import current_result
from shuzhi.voting.views_review import presentation

register = template.Library()


@register.inclusion_tag("voting/_review_vote_card.html")
def review_vote_card(review):
    result = current_result(review.pk)
    context = {"review": review, "result": result}
    if result is None:
        context.update(presentation(review.pk))
    return context
