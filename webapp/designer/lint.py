"""bpmnlint's recommended rules (npm, run with node) as warnings on the elements they name."""
import json
import shutil
import subprocess

from webapp.config import ROOT

SCRIPT = ROOT / "webapp" / "designer" / "lint.js"
TIMEOUT_SECONDS = 20

RULE_LABELS = {
    "label-required": "缺少名称",
    "no-disconnected": "孤立元素",
    "fake-join": "隐式合并",
    "no-implicit-split": "隐式分支",
    "no-gateway-join-fork": "网关同时合并与分支",
    "end-event-required": "缺少结束事件",
    "start-event-required": "缺少开始事件",
    "no-complex-gateway": "复杂网关",
    "no-duplicate-sequence-flows": "重复连线",
    "no-implicit-start": "隐式开始",
    "no-implicit-end": "隐式结束",
    "single-blank-start-event": "多个空开始事件",
    "single-event-definition": "多个事件定义",
    "superfluous-gateway": "多余网关",
    "superfluous-termination": "多余终止事件",
    "sub-process-blank-start-event": "子流程开始事件不应带触发",
    "no-bpmndi": "缺少图形信息",
    "link-event": "链接事件不成对",
    "event-sub-process-typed-start-event": "事件子流程须有带触发的开始事件",
    "ad-hoc-sub-process": "临时子流程",
}


def lint(xml_text):
    """[(element id, message, rule)] from bpmnlint; a single explanatory entry when it cannot run."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "bpmnlint").is_dir():
        return [(None, "未能运行 bpmnlint：未安装 node 或 npm 依赖（请运行 make setup）", "bpmnlint")]
    try:
        done = subprocess.run([node, str(SCRIPT)], input=xml_text.encode("utf-8"), capture_output=True,
                              cwd=str(ROOT), timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        return [(None, f"未能运行 bpmnlint：超过 {TIMEOUT_SECONDS} 秒", "bpmnlint")]
    if done.returncode != 0:
        return [(None, f"未能运行 bpmnlint：{done.stderr.decode('utf-8', 'replace')[:200]}", "bpmnlint")]
    return [
        (item["id"], f"{RULE_LABELS.get(item['rule'], item['rule'])}（bpmnlint {item['rule']}）：{item['message']}",
         f"bpmnlint/{item['rule']}")
        for item in json.loads(done.stdout or "[]")
    ]
