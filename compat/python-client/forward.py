# Forwards OS__HTTP_ADDR to the cluster started by run.sh until SIGINT/SIGTERM: the official test suite starts
# "the server" itself and polls /health for 2 s, far less than three silos need to start, so run.sh starts the
# cluster first and the suite's server command is this forwarder. Standard library only.
import asyncio
import os
import signal
import sys


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(target_host, target_port):
    async def handle(reader, writer):
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(target_host, target_port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))

    host, port = os.environ["OS__HTTP_ADDR"].rsplit(":", 1)
    server = await asyncio.start_server(handle, host, int(port))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    target = sys.argv[1]
    asyncio.run(main(*target.rsplit(":", 1)))
