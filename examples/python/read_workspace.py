"""Read a workspace from Python: sign an HTTP read the way the CLI does (docs/using.md, "Signed reads").

Standard library only. Environment: TENANCY_CLIENT_ID, TENANCY_CLIENT_SECRET, TENANCY_LIFECYCLE_URL
(default http://127.0.0.1:8081). Usage: python read_workspace.py WORKSPACE_ID   (prints the JSON)
"""
import datetime, hashlib, hmac, os, sys, urllib.error, urllib.parse, urllib.request


def signed_get(base: str, service: str, path: str, query: str, client_id: str, secret: str) -> tuple[int, bytes]:
    now = datetime.datetime.now(datetime.timezone.utc)
    time = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
    key = hmac.new(b"TNCY1" + secret.encode(), b"tenancy signing key v1\x00" + service.encode(), hashlib.sha256).digest()
    text = "\n".join(["TNCY1-HMAC-SHA256", "read", service, client_id, "GET", path, query, time])
    signature = hmac.new(key, text.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(base + path + ("?" + query if query else ""), headers={
        "x-tenancy-time": time,
        "authorization": f"TNCY1-HMAC-SHA256 Credential={client_id}/{service}, Signature={signature}",
    })
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


if __name__ == "__main__":
    env = os.environ
    path = "/workspaces/" + urllib.parse.quote(sys.argv[1], safe="")
    status, body = signed_get(env.get("TENANCY_LIFECYCLE_URL", "http://127.0.0.1:8081"), "lifecycle", path, "",
                              env["TENANCY_CLIENT_ID"], env["TENANCY_CLIENT_SECRET"])
    print(body.decode())
    sys.exit(0 if status == 200 else 1)
