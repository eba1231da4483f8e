# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import incubator_contribution_reason_wizard
from . import incubator_help_match
from . import incubator_volunteer_hours_wizard
from . import privacy_lookup_wizard
from . import incubator_impact_report_wizard
