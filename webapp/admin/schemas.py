"""The demo clock's form: hours to move forward, typed in or one of the preset buttons."""
from marshmallow import EXCLUDE, ValidationError, post_load

from webapp.inputs.fields import Float
from webapp.inputs.schemas import FormSchema

MAX_HOURS = 24 * 400
HOURS_RULE = f"请输入 0 到 {MAX_HOURS} 之间的小时数。"


class ClockSchema(FormSchema):
    class Meta:
        unknown = EXCLUDE

    preset_hours = Float(0, MAX_HOURS, label="小时数", error=HOURS_RULE, load_default=None)
    hours = Float(0, MAX_HOURS, label="小时数", error=HOURS_RULE, load_default=None)

    @post_load
    def _one_move(self, data, **kwargs):
        hours = data["preset_hours"] or data["hours"]
        if not hours:
            raise ValidationError(HOURS_RULE, "hours")
        return {"hours": hours}
