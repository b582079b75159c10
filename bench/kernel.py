"""Times BotMap's notebooks through a real tslab kernel, as a user meets them.

Usage: kernel.py NOTEBOOK_DIR NOTEBOOK [KERNEL]

Prints one JSON line: the seconds a cold kernel takes to start (`start`), to run the import of
BotMap as its first cell (`import`), and to Run All of NOTEBOOK from launching a cold kernel to
its last cell's reply (`run_all`; its own kernel start included, as `run_all_start`).
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient

IMPORT_CELL = "import * as tslab from 'tslab';\nimport * as botmap from './lib/index';"


def client_for(nb, folder, kernel):
    return NotebookClient(nb, kernel_name=kernel, timeout=600, resources={'metadata': {'path': folder}})


def time_import(folder, kernel):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(IMPORT_CELL)])
    client = client_for(nb, folder, kernel)
    started = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        client.execute_cell(nb.cells[0], 0, store_history=False)
        done = time.perf_counter()
    return ready - started, done - ready


def time_run_all(folder, notebook, kernel):
    nb = nbformat.read(os.path.join(folder, notebook), as_version=4)
    client = client_for(nb, folder, kernel)
    started = time.perf_counter()
    with client.setup_kernel():
        ready = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == 'code':
                client.execute_cell(cell, index)
        done = time.perf_counter()
    return ready - started, done - started


def main():
    folder, notebook = sys.argv[1:3]
    kernel = sys.argv[3] if len(sys.argv) > 3 else 'tslab'
    start, imported = time_import(folder, kernel)
    run_all_start, run_all = time_run_all(folder, notebook, kernel)
    print(json.dumps({'start': start, 'import': imported, 'run_all': run_all, 'run_all_start': run_all_start}))


if __name__ == '__main__':
    main()
