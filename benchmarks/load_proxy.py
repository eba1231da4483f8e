#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A buffering reverse proxy for benchmarks/load_run, in the role Odoo's
deployment guide gives nginx in front of a multi-worker Odoo.

Odoo's prefork server listens with a backlog of 8 connections per worker (32
for 4 workers). A burst of 200 connections overflows it: the kernel then
answers with SYN cookies and resets the connections whose request comes in
more than one segment (a POST's headers, then its form), which no Odoo code
ever sees. Like nginx, this proxy accepts every connection (backlog 4096),
reads each request in full, and forwards it to Odoo in one write over at
most ``--upstream-connections`` connections at a time, so that Odoo's backlog
never overflows; the answer goes back as it came (Odoo closes each
connection after its answer).

    python3 benchmarks/load_proxy.py --listen 8071 --upstream 8070
"""

import argparse
import asyncio

MAX_HEAD = 65536


async def relay(reader, writer, upstream_port, slots):
    """Forward one request of ``reader`` to Odoo and its answer back."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _sep, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body = await reader.readexactly(length) if length else b""
        async with slots:
            up_reader, up_writer = await asyncio.open_connection(
                "127.0.0.1", upstream_port
            )
            up_writer.write(head + body)
            await up_writer.drain()
            answer = await up_reader.read()  # Odoo closes after its answer
            up_writer.close()
        writer.write(answer)
        await writer.drain()
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
        pass  # the client went away: nothing to answer
    finally:
        writer.close()


async def serve(args):
    slots = asyncio.Semaphore(args.upstream_connections)
    server = await asyncio.start_server(
        lambda reader, writer: relay(reader, writer, args.upstream, slots),
        "127.0.0.1",
        args.listen,
        backlog=4096,
        limit=MAX_HEAD,
    )
    async with server:
        await server.serve_forever()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listen", type=int, required=True)
    parser.add_argument("--upstream", type=int, required=True)
    parser.add_argument("--upstream-connections", type=int, default=8)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()
