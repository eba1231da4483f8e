# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The refusal of a whole form, raised by the model methods that pages call.

A model method that checks the values of a form (``_declare``,
``_create_from_portal``, ``action_offer``...) checks every field and raises
one :class:`FormError` carrying a message for each field that is wrong: the
page shows each message beside its field and keeps what was typed; a JSON-RPC
caller gets an ordinary ``ValidationError`` whose message lists them all.
"""

import math

from odoo.exceptions import ValidationError


class FormError(ValidationError):
    """A ``ValidationError`` with ``field_errors``: a dict field name ->
    translated message (what is wrong with the value of that field)."""

    def __init__(self, field_errors):
        self.field_errors = dict(field_errors)
        super().__init__("\n".join(self.field_errors.values()))

    @classmethod
    def raise_if_any(cls, field_errors):
        """Raise a ``FormError`` when ``field_errors`` holds a message."""
        if field_errors:
            raise cls(field_errors)


def is_number(value):
    """A finite number (not a boolean): what a number field of a form holds
    once parsed by the controller, or what RPC sends. Text is no number here:
    the controllers read it (``controllers/utils.py``)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )
