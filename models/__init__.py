# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import incubator_project_stage
from . import incubator_theme
from . import incubator_partner_skill
from . import incubator_project
from . import res_partner
