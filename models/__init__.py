# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import incubator_project_stage
from . import incubator_theme
from . import incubator_partner_skill
from . import incubator_project
from . import res_company
from . import res_partner
from . import res_config_settings
from . import incubator_contribution_kind
from . import incubator_contribution
from . import incubator_balance_line
from . import incubator_reciprocity_exemption
from . import incubator_reciprocity_report
from . import incubator_reciprocity_invitation
from . import incubator_help_offer
from . import incubator_help_request
from . import incubator_help_match
from . import incubator_help_digest
