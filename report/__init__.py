# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import incubator_reciprocity_report
from . import incubator_coaching_report
from . import incubator_impact_report
from . import incubator_impact_report_pdf
