"""The innovation-case award (公共管理创新案例评选): calls for entries, cases, the
expert preliminary review drawn without conflicts, site visits, the comprehensive
selection, tiers by quota and the sealed notice (docs/awards.md)."""
