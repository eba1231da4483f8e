# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What the portal pages of the community members share: the counters of the
portal home, the domains that narrow a page to the caller's records and the
confirmations a redirect asks for. The pages themselves live beside it:
``contribution_portal.py`` (the time ledger, ``/my/contributions``) and
``help_request_portal.py`` (``/my/help-requests``).

Pages read the caller's records as the caller: the record rules decide (the
entries they give or receive, their projects, the requests they may see), the
domains below only sort them into the lists of a page.
"""

from odoo.http import request
from odoo.osv import expression
from odoo.tools import SQL

from odoo.addons.portal.controllers.portal import CustomerPortal


class IncubatorPortal(CustomerPortal):
    # ------------------------------------------------------------
    # HOME
    # ------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        """The counters of the module in one query (``_get_incubator_counts``),
        each counted as the caller (the record rules apply)."""
        values = super()._prepare_home_portal_values(counters)
        wanted = set(counters)
        if not wanted.intersection(self._get_incubator_counter_keys()):
            return values
        partner = request.env.user.partner_id
        # the caller's projects, archived ones included: read once for every
        # counter
        projects = self._get_my_incubator_projects(partner)
        counts = self._get_incubator_counts(
            self._get_incubator_count_domains(wanted, partner, projects)
        )
        # the help requests counter: the caller's requests plus the open
        # requests of others they may offer help on, counted apart
        offerable = counts.pop("incubator_help_request_offerable_count", 0)
        if "incubator_help_request_count" in wanted:
            counts["incubator_help_request_count"] += offerable
        values.update(counts)
        return values

    def _get_incubator_counter_keys(self):
        """The counters of the portal home this module fills."""
        return {
            "incubator_contribution_count",
            "incubator_contribution_to_confirm_count",
            "incubator_help_request_count",
        }

    def _get_incubator_count_domains(self, wanted, partner, projects):
        """{counter: (model, domain)} of the ``wanted`` counters of the portal
        home, for ``partner`` and their ``projects`` (archived ones included);
        each page of the module adds its own."""
        project_ids = projects.ids
        domains = {}
        if "incubator_contribution_count" in wanted:
            domains["incubator_contribution_count"] = (
                "incubator.contribution",
                self._get_my_contributions_domain(partner, project_ids),
            )
        if "incubator_contribution_to_confirm_count" in wanted:
            domains["incubator_contribution_to_confirm_count"] = (
                "incubator.contribution",
                self._get_contributions_to_confirm_domain(partner, project_ids),
            )
        if "incubator_help_request_count" in wanted:
            # plus the open requests the caller may offer help on (see
            # _get_offerable_help_requests)
            HelpRequest = request.env["incubator.help.request"]
            domains["incubator_help_request_offerable_count"] = (
                "incubator.help.request",
                HelpRequest._matching_open_requests_domain(partner),
            )
            domains["incubator_help_request_count"] = (
                "incubator.help.request",
                expression.AND(
                    [
                        self._get_my_help_requests_domain(partner, project_ids),
                        [("state", "in", ("open", "matched"))],
                    ]
                ),
            )
        return domains

    def _get_incubator_counts(self, domains):
        """{counter: number of records} of ``{counter: (model, domain)}``, in
        one query: each domain is searched as the caller (record rules and
        active records, as ``search_count`` does) and counted in a subquery."""
        counts = {}
        subqueries = {}
        for key, (model_name, domain) in domains.items():
            query = request.env[model_name]._search(domain)
            if query.is_empty():
                counts[key] = 0
            else:
                subqueries[key] = query.subselect("COUNT(*)")
        if subqueries:
            row = request.env.execute_query(
                SQL("SELECT %s", SQL(", ").join(subqueries.values()))
            )[0]
            counts.update(zip(subqueries, row, strict=True))
        return counts

    # ------------------------------------------------------------
    # DOMAINS (narrowed to the caller)
    # ------------------------------------------------------------

    def _get_my_incubator_projects(self, partner):
        """Projects whose team includes ``partner``, archived ones included
        (their past entries stay in the member's history), as the caller (the
        record rules let members read the projects of their team)."""
        return (
            request.env["incubator.project"]
            .with_context(active_test=False)
            .search_fetch([("entrepreneur_ids", "in", partner.ids)], ["active"])
        )

    def _get_my_contributions_domain(self, partner, project_ids):
        """Entries where ``partner`` or one of their projects gives or
        receives: never an entry between two other people."""
        domain = ["|", ("giver_id", "=", partner.id), ("receiver_id", "=", partner.id)]
        if project_ids:
            project_ids = list(project_ids)
            domain = expression.OR(
                [
                    domain,
                    [("receiver_project_id", "in", project_ids)],
                    # a project gives hours back when an entry it received is
                    # reversed
                    [("giver_project_id", "in", project_ids)],
                ]
            )
        return domain

    def _get_contributions_to_confirm_domain(self, partner, project_ids):
        """Draft entries addressed to ``partner`` or to one of their projects,
        declared by somebody else."""
        receiver_domain = [("receiver_id", "=", partner.id)]
        if project_ids:
            receiver_domain = expression.OR(
                [receiver_domain, [("receiver_project_id", "in", list(project_ids))]]
            )
        return expression.AND(
            [
                [("state", "=", "draft"), ("giver_id", "!=", partner.id)],
                receiver_domain,
            ]
        )

    def _get_my_help_requests_domain(self, partner, project_ids):
        """Requests asked by ``partner`` or by one of their projects."""
        domain = [("requester_id", "=", partner.id)]
        if project_ids:
            domain = expression.OR(
                [domain, [("requester_project_id", "in", list(project_ids))]]
            )
        return domain

    def _get_offerable_help_requests(self, partner, limit=None):
        """Open requests of other members matching the caller's skills or
        addressed to them, that they have not offered help on yet (searched as
        the caller: the record rules let members read the open requests)."""
        return request.env["incubator.help.request"]._search_matching_open_requests(
            partner, limit=limit
        )

    # ------------------------------------------------------------
    # TOOLS
    # ------------------------------------------------------------

    def _get_status_message(self, key):
        """The translated confirmation a redirect asks for with ?message=."""
        messages = {
            "declared": request.env._(
                "Thank you! Your declaration awaits the receiver's confirmation."
            ),
            "confirmed": request.env._("The entry is confirmed. Thank you!"),
            "disputed": request.env._("The entry is disputed: the giver is told why."),
            "offered": request.env._("Your offer is sent to the requester."),
            "accepted": request.env._("You accepted the offer: the helper is told."),
            "done": request.env._(
                "Marked as done: confirm the hours received on your time ledger."
            ),
            "created": request.env._(
                "Your request is published to the members with the skills."
            ),
            "reopened": request.env._(
                "Your request is open again until its new deadline: the members "
                "with the skills hear about it."
            ),
            "digest_on": request.env._(
                "You will receive the weekly digest of matching help requests."
            ),
            "digest_off": request.env._(
                "You will no longer receive the weekly digest of help requests."
            ),
        }
        return messages.get(key) if isinstance(key, str) else None
