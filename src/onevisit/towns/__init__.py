"""特色小镇 (characteristic towns): the provincial creation programme run by the
joint-meeting office — declarations, listing as creation or cultivation objects, yearly
targets, annual reports, assessment by a published method and the incentive ledger settled
after the fact (docs/towns.md)."""
