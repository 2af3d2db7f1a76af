"""Why an in-memory list of connections breaks with several workers, and what fixes it.

`uvicorn --workers 2` runs two processes. Each has its own memory, so each has its own room:
a message reaches only the members connected to the same process. A broker outside the workers
(Redis pub/sub, PostgreSQL LISTEN/NOTIFY, ...) gives every worker every message. Here each
"worker" is an object, and the broker is shared the way Redis would be.
"""

class Worker:
    def __init__(self, name: str, broker: "Broker | None" = None) -> None:
        self.name, self.broker = name, broker
        self.members: dict[str, list[str]] = {}  # in memory: only this process sees it
        if broker:
            broker.subscribers.append(self)

    def connect(self, user: str) -> None:
        self.members[user] = []

    def say(self, user: str, text: str) -> None:
        if self.broker:
            self.broker.publish(f"{user}: {text}")
        else:
            self.deliver(f"{user}: {text}")

    def deliver(self, line: str) -> None:
        for inbox in self.members.values():
            inbox.append(line)


class Broker:
    def __init__(self) -> None:
        self.subscribers: list[Worker] = []

    def publish(self, line: str) -> None:
        for worker in self.subscribers:
            worker.deliver(line)


def chat(broker: Broker | None) -> None:
    one, two = Worker("worker 1", broker), Worker("worker 2", broker)
    one.connect("ana")  # the kernel handed ana's connection to worker 1 (whichever accepted)...
    two.connect("ben")  # ...and ben's to worker 2: `--workers` balances nothing itself
    one.say("ana", "hi ben!")
    label = "with a broker   " if broker else "in-memory rooms "
    print(f"{label}: ben received {two.members['ben']}")


chat(broker=None)
#> in-memory rooms : ben received []
chat(broker=Broker())
#> with a broker   : ben received ['ana: hi ben!']
