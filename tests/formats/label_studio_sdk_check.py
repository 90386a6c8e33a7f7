"""Run by the Label Studio environment's Python (not Newsmark's): reads a labelling config and
Newsmark's Label Studio tasks with Label Studio's own code (label-studio-sdk's LabelInterface
and its converter) and prints what they made of them as JSON.

usage: python label_studio_sdk_check.py CONFIG.xml TASKS.json OUTPUT_DIR
"""

import json
import sys
from pathlib import Path

from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface


def main() -> None:
    config_path, tasks_path, out_dir = map(Path, sys.argv[1:4])
    config = config_path.read_text(encoding="utf-8")
    interface = LabelInterface(config)
    tasks = json.loads(tasks_path.read_text(encoding="utf-8"))
    errors = []
    for task in tasks:
        # (LabelInterface.validate_task itself is broken in this version: it calls
        # validate_annotation without the annotation) the data each object tag reads:
        for obj in interface.objects:
            if obj.value_is_variable and task["data"].get(obj.value_name) is None:
                errors.append(f"task {task.get('id')}: no data {obj.value_name!r}")
        for annotation in task.get("annotations", []):
            if not interface.validate_annotation(annotation):
                errors.append(f"task {task.get('id')}: validate_annotation refused it")
            errors += [f"task {task.get('id')}: {e}"
                       for e in interface.validate_prediction(annotation, return_errors=True)]
    converter = Converter(config=config, project_dir=None, download_resources=False)
    converter.convert_to_json_min(str(tasks_path), str(out_dir), is_dir=False)
    json_min = json.loads(next(out_dir.glob("*.json")).read_text(encoding="utf-8"))
    print(json.dumps({"errors": errors, "json_min": json_min}))


if __name__ == "__main__":
    main()
