"""Front-end libraries installed from npm (package.json) and served from node_modules, never committed."""
from flask import Blueprint, abort, send_from_directory

from .config import ROOT

bp = Blueprint("vendor", __name__)

# URL path -> file or folder under node_modules; only these are served.
FILES = {
    "echarts.min.js": "echarts/dist/echarts.min.js",
    "bpmn-modeler.js": "bpmn-js/dist/bpmn-modeler.production.min.js",
    "bpmn-viewer.js": "bpmn-js/dist/bpmn-navigated-viewer.production.min.js",
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
}
FOLDERS = {"bpmn-js": "bpmn-js/dist/assets", "swagger-ui": "swagger-ui-dist"}  # its CSS and the icon font the CSS loads


@bp.route("/vendor/<path:name>")
def asset(name):
    folder, _, rest = name.partition("/")
    if name in FILES:
        path = ROOT / "node_modules" / FILES[name]
    elif folder in FOLDERS and rest and ".." not in rest.split("/"):
        path = ROOT / "node_modules" / FOLDERS[folder] / rest
    else:
        abort(404)
    if not path.is_file():
        if folder in FOLDERS:
            abort(404)
        abort(404, description=f"前端库 {name} 未安装，请先运行 make setup（npm install）。")
    return send_from_directory(path.parent, path.name, max_age=86400)
