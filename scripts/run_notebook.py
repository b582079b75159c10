"""Executes one notebook headlessly with nbclient and writes the executed copy and its HTML.

Usage: run_notebook.py NOTEBOOK OUT_IPYNB OUT_HTML [KERNEL]
       run_notebook.py --many OUT_DIR KERNEL NOTEBOOK...   (one JSON line per notebook, see run_many)
       run_notebook.py --cells FOLDER KERNEL CELLS_JSON RESULTS_JSONL   (see run_cells)

Prints one JSON line: {"ok": true} or {"ok": false, "cell": N, "message": "..."} where N counts
code cells from 1. Used instead of `jupyter nbconvert --execute` because the tslab kernel
reports errors on stderr rather than in the error reply, and nbconvert writes nothing on failure.
"""
import json
import os
import re
import sys
import time

import nbformat
from nbclient import NotebookClient
from jupyter_client.manager import KernelManager
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


def error_message(cell, error):
    """The error text the cell printed: tslab writes it to stderr, stack frames after it."""
    text = ''.join(
        ''.join(o.get('text', '')) if o.get('output_type') == 'stream' and o.get('name') == 'stderr'
        else '\n'.join(o.get('traceback', [])) if o.get('output_type') == 'error' else ''
        for o in cell.get('outputs', [])
    )
    text = re.sub(r'\x1b\[[0-9;]*m', '', text)
    lines = [line for line in text.splitlines() if line.strip() and not re.match(r'^\s+at ', line)]
    errors = [line for line in lines if re.match(r'^\w*(Error|Exception)\b', line)]
    chosen = errors or lines
    return '\n'.join(chosen[:6]) if chosen else str(error).strip().splitlines()[-1]


# No script may run and nothing may be fetched: the page shows outputs drawn from attacker-written
# logs (user, jail and folder names), escaped by BotMap; this is the second line of defence.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'"
)


def sanitise_html(body):
    """The notebook's HTML as a static page that runs no script and loads nothing from elsewhere.

    BotMap's outputs are static HTML and SVG, so every script goes: the template's require.js and
    MathJax (links to files on this machine or a CDN), MathJax's inline configuration, and any
    script element an output might carry. A Content-Security-Policy then forbids scripts, inline
    event handlers and requests, should markup ever slip through.
    """
    body = re.sub(r'<script\b[^>]*>.*?</script\s*>', '', body, flags=re.S | re.I)
    body = re.sub(r'<script\b[^>]*/?>', '', body, flags=re.I)
    meta = '<meta http-equiv="Content-Security-Policy" content="%s">' % CONTENT_SECURITY_POLICY
    head = re.search(r'<head\b[^>]*>', body, flags=re.I)
    if head:
        return body[: head.end()] + meta + body[head.end():]
    return meta + body


def write_atomic(path, text):
    """Temporary file, then rename: an interrupted run never leaves half a file behind."""
    temp = os.path.join(os.path.dirname(os.path.abspath(path)), '.%s.%d.tmp' % (os.path.basename(path), os.getpid()))
    try:
        with open(temp, 'w', encoding='utf-8') as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def started_kernel(source, kernel):
    """A kernel started in the notebook's folder, before its notebook's turn: see run_many."""
    manager = KernelManager(kernel_name=kernel)
    manager.start_kernel(cwd=os.path.dirname(os.path.abspath(source)))
    return manager


def run(source, out_ipynb, out_html, kernel, manager=None):
    """Executes one notebook (in `manager`'s kernel when given); writes both copies; the result."""
    nb = nbformat.read(source, as_version=4)
    started = {'index': None}

    def on_cell_start(cell, cell_index):
        started['index'] = cell_index

    client = NotebookClient(
        nb,
        km=manager,
        kernel_name=kernel,
        timeout=1800,
        resources={'metadata': {'path': os.path.dirname(os.path.abspath(source))}},
        on_cell_start=on_cell_start,
    )
    result = {'ok': True}
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        index = started['index']
        cell = nb.cells[index] if index is not None else {}
        code_number = sum(1 for c in nb.cells[: (index or 0) + 1] if c.cell_type == 'code') if index is not None else None
        kind = 'timed out' if isinstance(error, CellTimeoutError) else 'kernel died' if isinstance(error, DeadKernelError) else None
        result = {'ok': False, 'cell': code_number, 'message': kind or error_message(cell, error)}
    os.makedirs(os.path.dirname(os.path.abspath(out_ipynb)), exist_ok=True)
    write_atomic(out_ipynb, nbformat.writes(nb))
    body, _ = HTMLExporter(template_name='lab').from_notebook_node(nb)
    write_atomic(out_html, sanitise_html(body))
    return result


def stop(manager):
    """Shuts a kernel down unless nbclient already did."""
    try:
        if manager.has_kernel:
            manager.shutdown_kernel(now=True)
    except RuntimeError:
        pass


def run_many(out_dir, sources, kernel):
    """Runs the notebooks one after another, each kernel started while the previous notebook runs.

    The notebooks still run in order, one at a time (later ones add to the summary the earlier
    ones wrote), but a kernel's start (seconds of tslab loading TypeScript) overlaps the previous
    notebook's work, and Python imports Jupyter once. Prints one JSON line per notebook; stops
    after the first that fails.
    """
    upcoming = started_kernel(sources[0], kernel)
    for index, source in enumerate(sources):
        manager = upcoming
        upcoming = started_kernel(sources[index + 1], kernel) if index + 1 < len(sources) else None
        begun = time.perf_counter()
        out_ipynb = os.path.join(out_dir, os.path.basename(source))
        try:
            result = run(source, out_ipynb, out_ipynb[: -len('.ipynb')] + '.html', kernel, manager)
        finally:
            stop(manager)
        result.update(notebook=os.path.basename(source), seconds=time.perf_counter() - begun)
        print(json.dumps(result), flush=True)
        if not result['ok']:
            break
    if upcoming is not None:
        stop(upcoming)


def run_cells(folder, kernel, cells_file, results_file):
    """Runs code cells one after another in one kernel, as a person at a notebook does.

    CELLS_JSON holds a JSON array of code; later cells may run earlier ones again. Unlike a
    notebook run it goes on after a failing cell. Writes one JSON line per cell to RESULTS_JSONL
    (a file: a display's megabyte of SVG written to a pipe arrived cut): {"ok", "outputs" (as
    nbformat holds them), "error"}.
    """
    with open(cells_file, encoding='utf-8') as cells_json:
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in json.load(cells_json)])
    client = NotebookClient(nb, kernel_name=kernel, timeout=300, resources={'metadata': {'path': folder}})
    with client.setup_kernel(), open(results_file, 'w', encoding='utf-8') as results:
        for index, cell in enumerate(nb.cells):
            try:
                client.execute_cell(cell, index)
                error = None
            except CellExecutionError as failure:
                error = error_message(cell, failure)
            results.write(json.dumps({'ok': error is None, 'outputs': cell.outputs, 'error': error}) + '\n')


def main():
    if sys.argv[1] == '--cells':
        run_cells(*sys.argv[2:6])
        return
    if sys.argv[1] == '--many':
        run_many(sys.argv[2], sys.argv[4:], sys.argv[3])
        return
    source, out_ipynb, out_html = sys.argv[1:4]
    kernel = sys.argv[4] if len(sys.argv) > 4 else 'tslab'
    print(json.dumps(run(source, out_ipynb, out_html, kernel)))


if __name__ == '__main__':
    main()
