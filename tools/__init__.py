# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from .form_error import FormError, is_number
