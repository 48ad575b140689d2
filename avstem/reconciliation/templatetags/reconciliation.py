"""Template filters of the reconciliation pages."""

from __future__ import annotations

from django import template

from avstem.reconciliation.labels import kind_label as _kind_label

register = template.Library()


@register.filter
def kind_label(kind):
    return _kind_label(kind)


@register.filter
def confidence(value):
    """0.973 -> 97 %"""
    if value is None:
        return ""
    return f"{round(float(value) * 100):d}\u00a0%"


@register.filter
def confidence_class(value):
    value = float(value or 0)
    return "high" if value >= 0.9 else "mid" if value >= 0.7 else "low"
