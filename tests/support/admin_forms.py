"""Turn an admin change page's forms back into POST data, as a browser would submit them unchanged."""

from __future__ import annotations

from django.forms import CheckboxInput, MultiWidget
from django.urls import reverse


def _add_form(data: dict, form) -> None:
    for bound in form:
        value, widget = bound.value(), bound.field.widget
        if isinstance(widget, MultiWidget):
            for index, part in enumerate(widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else str(part)
        elif isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif value is not None:
            data[bound.html_name] = value


def change_form_data(response) -> dict:
    """The main form and every inline formset (management forms included) of a change page."""
    data: dict = {}
    _add_form(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.forms:
            _add_form(data, form)
    return data


def activity_admin_edit(client, activity, **changes):
    """Submit the activity's admin change page as a browser would, with `changes` typed in."""
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    data = change_form_data(client.get(url))
    data.update(changes)
    return client.post(url, data, follow=True)
