"""Bad parameters in admin addresses are the staff member's mistake (400 or the admin's own
"bad filter" page), never a server error. Every ModelAdmin of the project mixes this in."""

from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest


class BadInputAdminMixin:
    def get_changelist_instance(self, request):
        """Treat an impossible filter (a year past 9999, 20 digits long) as a bad lookup.

        Django's date hierarchy catches ValueError only around part of its date arithmetic
        and OverflowError nowhere; the changelist answers IncorrectLookupParameters by
        redirecting to `?e=1`, its "wrong filter" page.
        """
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def response_action(self, request, queryset, **kwargs):
        """Refuse an action on selected ids that are not ids at all (`_selected_action=abc`)."""
        pk = self.model._meta.pk
        for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME):
            try:
                pk.to_python(value)
            except ValidationError:
                return HttpResponseBadRequest(
                    "The selection holds something that is not an id.",
                    content_type="text/plain; charset=utf-8",
                )
        return super().response_action(request, queryset, **kwargs)
