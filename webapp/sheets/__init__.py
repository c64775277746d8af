"""Printable sheets in the layout of official forms (信息处理笺, 批示件督办单, 办理情况报告单, 紧急信息报送单)."""
from webapp.core.domain import Domain

DOMAIN = Domain(
    name="sheets", label="打印单",
    blueprints=(("webapp.sheets.views:bp", "/sheets"),),
)
