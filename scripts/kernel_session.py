"""Drives one kernel cell by cell, as a person at a notebook does, for the tests.

Usage: kernel_session.py FOLDER KERNEL CELLS_JSON RESULTS_JSONL
       (CELLS_JSON: a file holding a JSON array of code strings)

Starts KERNEL in FOLDER (where a notebook would sit), executes the cells in order in that one
kernel and writes one JSON line per cell to RESULTS_JSONL (a file: a display's megabyte of SVG
written to a pipe arrived cut): {"ok": bool, "outputs": [...], "error": "..."} with each
display's MIME bundle and each stream's text. Unlike run_notebook.py it keeps going after a
failing cell, since re-running a cell after another one changed is what it tests.
"""
import json
import sys

from jupyter_client.manager import KernelManager


def execute(client, code):
    message_id = client.execute(code)
    outputs, error = [], None
    while True:
        message = client.get_iopub_msg(timeout=300)
        if message['parent_header'].get('msg_id') != message_id:
            continue
        kind, content = message['msg_type'], message['content']
        if kind in ('display_data', 'execute_result'):
            outputs.append({'data': content['data']})
        elif kind == 'stream':
            outputs.append({'stream': content['name'], 'text': content['text']})
        elif kind == 'error':
            error = f"{content['ename']}: {content['evalue']}"
        elif kind == 'status' and content['execution_state'] == 'idle':
            break
    reply = client.get_shell_msg(timeout=300)
    while reply['parent_header'].get('msg_id') != message_id:
        reply = client.get_shell_msg(timeout=300)
    ok = error is None and reply['content']['status'] == 'ok'
    # tslab reports some errors on stderr only.
    if not ok and error is None:
        error = ''.join(o['text'] for o in outputs if o.get('stream') == 'stderr') or 'failed'
    return {'ok': ok, 'outputs': outputs, 'error': error}


def main():
    folder, kernel, cells_file, results_file = sys.argv[1:5]
    with open(cells_file, encoding='utf-8') as cells_json:
        cells = json.load(cells_json)
    manager = KernelManager(kernel_name=kernel)
    manager.start_kernel(cwd=folder)
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        with open(results_file, 'w', encoding='utf-8') as results:
            for code in cells:
                results.write(json.dumps(execute(client, code)) + '\n')
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


if __name__ == '__main__':
    main()
