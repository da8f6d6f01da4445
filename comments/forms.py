import unicodedata

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator

from comments.models import Comment
from comments.names import invisible_character, is_reserved_name


def _refuse_control_characters(value: str, *, allow_newlines: bool) -> str:
    allowed = {"\n", "\r", "\t"} if allow_newlines else set()
    for char in value:
        if char not in allowed and unicodedata.category(char) in {"Cc", "Cs"}:
            raise forms.ValidationError(
                "This contains an invisible control character (U+%(code)04X); please remove it.",
                code="control_character",
                params={"code": ord(char)},
            )
    return value


def _limit(field: forms.CharField, model_field: str, setting: int) -> None:
    """Give a form field the model field's length limit, or the setting's if lower.

    The model's limit is what the database and `full_clean` allow, so a setting can only
    lower it: a higher one would let through text the save then refuses.
    """
    most = Comment._meta.get_field(model_field).max_length
    limit = min(most, setting) if setting > 0 else most
    field.max_length = limit
    field.validators = [
        validator for validator in field.validators if not isinstance(validator, MaxLengthValidator)
    ] + [MaxLengthValidator(limit)]
    field.widget.attrs["maxlength"] = str(limit)


class CommentForm(forms.Form):
    """A reader's comment or reply. Fields and limits mirror WordPress's comment form;
    lengths come from the model, lowered by COMMENTS_MAX_*_LENGTH."""

    name = forms.CharField(
        label="Name (optional)",
        required=False,
        help_text="Leave blank to appear as “Anonymous”.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="Email (optional, never shown)",
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = forms.CharField(
        label="Comment",
        strip=False,
        help_text="Plain text. Blank lines start new paragraphs; links are kept as links.",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Please write a comment before posting."},
    )
    notify = forms.BooleanField(label="Email me when someone replies", required=False)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people by CSS, filled in by naive bots.
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, post, user=None, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels read as written: "Comment", not "Comment:"
        super().__init__(*args, **kwargs)
        _limit(self.fields["name"], "author_name", settings.COMMENTS_MAX_NAME_LENGTH)
        _limit(self.fields["email"], "author_email", settings.COMMENTS_MAX_EMAIL_LENGTH)
        _limit(self.fields["body"], "body", settings.COMMENTS_MAX_BODY_LENGTH)
        self.post = post
        self.user = user  # staff may use the authors' names
        self.parent_comment: Comment | None = None

    def clean_name(self) -> str:
        name = _refuse_control_characters(self.cleaned_data["name"], allow_newlines=False)
        if (char := invisible_character(name)) is not None:
            raise forms.ValidationError(
                "Names cannot contain invisible or text-direction characters (U+%(code)04X).",
                code="invisible_character",
                params={"code": ord(char)},
            )
        name = name.strip()
        if not (self.user and self.user.is_staff) and is_reserved_name(name):
            raise forms.ValidationError(
                "That name belongs to one of the blog's authors; please use another.",
                code="reserved_name",
            )
        return name

    def clean_body(self) -> str:
        body = _refuse_control_characters(self.cleaned_data["body"], allow_newlines=True)
        body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()
        if not body.strip():
            raise forms.ValidationError("Please write a comment before posting.", code="required")
        return body

    def clean_parent(self) -> int | None:
        pk = self.cleaned_data["parent"]
        if pk is None:
            return None
        parent = Comment.objects.filter(pk=pk).first()
        if parent is None or parent.post_id != self.post.pk:
            raise forms.ValidationError(
                "The comment you are replying to does not exist on this post.", code="parent"
            )
        # Readers must be able to see it: published, and nothing pending or spam above it
        # (a reply there would be hidden with it, and its page could not be found).
        if not Comment.objects.visible().filter(pk=pk).exists():
            raise forms.ValidationError(
                "The comment you are replying to is not published, so it cannot take replies.",
                code="parent",
            )
        self.parent_comment = parent
        return pk

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify") and not cleaned.get("email"):
            self.add_error("email", "Give your email address to be told about replies.")
        return cleaned
