from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """mapping[key], or None (for dicts keyed by id in the grading templates)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def grade_label(value):
    """A stored grade code as its Chinese label (other values, e.g. a score, as they are)."""
    from shuzhi.evaluation.proposal import GRADE_LABELS, Grade

    try:
        return GRADE_LABELS[Grade(value)]
    except ValueError:
        return value
