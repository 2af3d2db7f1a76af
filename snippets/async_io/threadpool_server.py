"""`def` endpoints run in FastAPI's threadpool (40 threads by default): a blocking call there
holds a thread, not the event loop. The playground mounts this app; the client below calls it."""

import threading
import time

from fastapi import FastAPI

app = FastAPI()


@app.get("/report")
def report() -> dict[str, str]:
    time.sleep(0.5)  # a sync database driver: fine here, it blocks only this worker thread
    return {"thread": threading.current_thread().name + str(threading.get_ident())}
