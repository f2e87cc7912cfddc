"""Pages for asking the outcome questionnaires in the field: the questionnaire as an XLSForm for
KoboToolbox or ODK, and the import of what was collected with it.

The form holds no personal data, but it is staff's working tool and is kept to the staff who
collect: his questionnaire for the programme's staff (facilitators, coordinators), hers for her
support workers. Anyone else finds neither page, as if it did not exist; someone working with
the man who asks for hers is seen doing so (``survivors.http.survivor_reader``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tandem.core import tables
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation, User
from tandem.core.table_imports import ImportRefused
from tandem.outcomes import field_import, import_actions, xlsform
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.queries.fieldwork import organisations_by_id
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tandem.survivors.http import survivor_reader

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _collector(request: HttpRequest, respondent: str) -> User:
    """The signed-in person if she collects ``respondent``'s questionnaire; else 404."""
    if respondent == PARTNER:
        user = survivor_reader(request, audit_context(request))
    elif respondent == MAN:
        user = signed_in_user(request)
    else:
        raise Http404
    if not import_actions.importing_organisations(user, respondent):
        raise Http404
    return user


@login_required
@require_safe
def xlsform_view(request: HttpRequest, respondent: str) -> HttpResponse:
    """The current questionnaire of ``respondent`` as an XLSForm, every language in it."""
    _collector(request, respondent)
    instrument = current_instrument(respondent)
    response = HttpResponse(xlsform.xlsform_bytes(respondent), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{xlsform.filename(instrument)}"'
    return response


RESPONDENT_CHOICES = {
    MAN: gettext_lazy("His questionnaire (the man in the programme)"),
    PARTNER: gettext_lazy("Her questionnaire (his partner or ex-partner), from your interviews"),
}


class FieldImportForm(forms.Form):
    respondent = forms.ChoiceField(label=gettext_lazy("Whose questionnaire"), widget=forms.RadioSelect)
    organisation = forms.TypedChoiceField(label=gettext_lazy("Organisation"), coerce=int)
    file = forms.FileField(
        label=gettext_lazy("File of answers (CSV or XLSX)"),
        help_text=gettext_lazy(
            "The answers collected with the questionnaire's form, exported from KoboToolbox or ODK "
            "with XML values and headers: one time point per row."
        ),
    )

    def __init__(self, *args: Any, respondents: list[str], organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["respondent"]
        field.choices = [(respondent, RESPONDENT_CHOICES[respondent]) for respondent in respondents]
        if len(respondents) == 1:
            field.initial = respondents[0]
        choice: Any = self.fields["organisation"]
        choice.choices = [(organisation.pk, organisation.name) for organisation in organisations]
        if len(organisations) == 1:
            # Nothing to choose: the one organisation she works for.
            choice.initial = organisations[0].pk
            choice.widget = forms.HiddenInput()

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            # Refused before it is read: the import reads it again within the same limits.
            tables.check_format(upload.name or "")
            tables.check_size(upload.size or 0, field_import.LIMITS)
        except tables.UnreadableFile as error:
            raise forms.ValidationError(error.message) from None
        return upload


def _problems_caption(shown: int, count: int) -> str:
    if shown < count:
        return ngettext(
            "The first %(shown)s of %(count)s problem to correct in the file",
            "The first %(shown)s of %(count)s problems to correct in the file",
            count,
        ) % {"shown": tables.grouped(shown), "count": tables.grouped(count)}
    return ngettext("%(count)s problem to correct in the file", "%(count)s problems to correct in the file", count) % {
        "count": tables.grouped(count)
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    """Upload a file of questionnaires collected in the field; all of it is recorded, or none."""
    user = signed_in_user(request)
    where = audit_context(request)
    allowed = {respondent: import_actions.importing_organisations(user, respondent) for respondent in (MAN, PARTNER)}
    respondents = [respondent for respondent, organisations in allowed.items() if organisations]
    if not respondents:
        raise Http404
    organisations = organisations_by_id(id_ for ids in allowed.values() for id_ in ids)
    bound = request.method == "POST"
    form = FieldImportForm(
        request.POST if bound else None,
        request.FILES if bound else None,
        respondents=respondents,
        organisations=organisations,
    )
    context: dict[str, Any] = {"form": form, "respondents": respondents}
    if not bound:
        return render(request, "outcomes/fieldwork/import.html", context)
    if not form.is_valid():
        return render(request, "outcomes/fieldwork/import.html", context, status=422)
    upload = form.cleaned_data["file"]
    organisation = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
    try:
        result = import_actions.import_answers(
            organisation=organisation,
            respondent=form.cleaned_data["respondent"],
            filename=upload.name,
            content=upload.read(),
            acting_user=user,
            context=where,
        )
    except ImportRefused as refused:
        context.update(
            failure=refused.message,
            problems=refused.problems,
            problems_caption=_problems_caption(len(refused.problems), refused.count),
        )
        return render(request, "outcomes/fieldwork/import.html", context, status=422)
    except (tables.UnreadableFile, OutcomeRefused) as refused:
        context["failure"] = refused.message
        return render(request, "outcomes/fieldwork/import.html", context, status=422)
    context["result"] = result
    return render(request, "outcomes/fieldwork/import.html", context)
