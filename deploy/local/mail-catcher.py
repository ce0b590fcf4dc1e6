"""A real SMTP server (aiosmtpd) that keeps what it receives: the mail catcher of deploy/local/run.sh and of the tests.

Each accepted message is written to DIR/NNNNNN.eml. Recipients whose local part ends in
"+reject" get 550 and those ending in "+defer" get 451, so tests can see permanent and temporary
failures. --auth USER:PASSWORD requires AUTH; --tls-cert/--tls-key offer (and require) STARTTLS, or
with --implicit-tls speak TLS from the first byte (SMTPS); --delay-ms makes it a slow server that waits before accepting each message.
"""
import argparse
import asyncio
import itertools
import os
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Recorder:
    def __init__(self, directory, delay):
        self.directory = directory
        self.delay = delay
        os.makedirs(directory, exist_ok=True)
        self.counter = itertools.count(len(os.listdir(directory)) + 1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.endswith("+reject"):
            return "550 5.1.1 mailbox unavailable"
        if local.endswith("+defer"):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        path = os.path.join(self.directory, "%06d.eml" % next(self.counter))
        with open(path + ".tmp", "wb") as file:
            file.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            file.write(envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 in a container)")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--directory", required=True)
    parser.add_argument("--auth")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--implicit-tls", action="store_true")
    parser.add_argument("--delay-ms", type=int, default=0)
    options = parser.parse_args()

    arguments = {}
    if options.auth:
        user, password = options.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        # With implicit TLS the whole connection is TLS, which aiosmtpd's STARTTLS check does not see.
        arguments.update(authenticator=authenticator, auth_required=True, auth_require_tls=bool(options.tls_cert) and not options.implicit_tls)
    if options.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(options.tls_cert, options.tls_key)
        if options.implicit_tls:
            arguments.update(ssl_context=context)
        else:
            arguments.update(tls_context=context, require_starttls=True)

    controller = Controller(Recorder(options.directory, options.delay_ms / 1000), hostname=options.host, port=options.port, **arguments)
    controller.start()
    print("ready", flush=True)
    try:
        asyncio.new_event_loop().run_forever()
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
