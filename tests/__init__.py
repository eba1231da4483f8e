from . import test_demo_data
from . import test_partner_skill
from . import test_project
from . import test_security
from . import test_website_projects
from . import test_tours
