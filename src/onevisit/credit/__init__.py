"""Credit (信用): records about companies and persons from inspections, overdue 容缺
materials, false materials and registry imports, and the tier computed from them that
changes what onevisit offers them (docs/credit.md)."""
