#!/usr/bin/env python3
"""trap-server.py: a loopback HTTP listener for the secret tests.

It stands where as-tail must not send its key (a proxy from the
environment) or where a server echoes the request back in an error.  Each
request's raw head and body are appended to --log; the reply is --status
with --body, in which "{auth}" becomes the request's Authorization header.
A CONNECT (a proxy tunnel) is logged and refused with 403.

    trap-server.py --port-file F --log L [--status 400] [--body TEXT]
"""
import argparse
import socketserver


class Handler(socketserver.StreamRequestHandler):
    def handle(self):
        head = b""
        while not head.endswith(b"\r\n\r\n"):
            line = self.rfile.readline(65536)
            if not line:
                break
            head += line
        length = 0
        auth = ""
        for line in head.decode("latin-1").split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value.strip() or 0)
            elif name.lower() == "authorization":
                auth = value.strip()
        body = self.rfile.read(length) if length > 0 else b""
        with open(self.server.args.log, "ab") as log:
            log.write(head + body + b"\n")
        if head.startswith(b"CONNECT"):
            self.wfile.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n"
                             b"Connection: close\r\n\r\n")
            return
        text = self.server.args.body.replace("{auth}", auth).encode()
        self.wfile.write(b"HTTP/1.1 %d Trap\r\nContent-Type: application/json\r\n"
                         b"Content-Length: %d\r\nConnection: close\r\n\r\n"
                         % (self.server.args.status, len(text)) + text)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--status", type=int, default=502)
    ap.add_argument("--body", default="{}")
    args = ap.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.args = args
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
