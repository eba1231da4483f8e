# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from . import main
from . import portal
from . import contribution_portal
from . import help_request_portal
from . import skill_portal
from . import form_guard
from . import webinar
from . import webinar_portal
from . import webinar_propose_portal
from . import coaching_portal
from . import volunteer
from . import volunteer_portal
from . import gift_wall
from . import webinar_speaker_portal
from . import webinar_feed
